// SPDX-License-Identifier: GPL-2.0

//! Fixture: a kernel crate root whose module list lacks `block`.

pub mod alloc;
mod build_assert;
pub mod device;
#[cfg(CONFIG_NET)]
pub mod net;
