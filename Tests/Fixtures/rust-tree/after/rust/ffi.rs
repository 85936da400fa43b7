// SPDX-License-Identifier: GPL-2.0

//! Test fixture: a tree with the kernel's own C type aliases (6.12 on).
