// Generated from Templates/ by EmbeddedTemplatesTests; do not edit.
// Regenerate: MQGEN_UPDATE_GOLDENS=1 swift test --filter EmbeddedTemplatesTests

/// The templates compiled into mqgen, by name under `Templates/`.
enum EmbeddedTemplates {
    static let texts: [String: String] = [
        "c/bindings_helper.h.stencil": #"""
/* SPDX-License-Identifier: GPL-2.0 */
/* {{ ctx.notice }} */
/* Lines for rust/bindings/bindings_helper.h, in its alphabetical order. */

{% for include in ctx.bindings.includes %}
#include <{{ include }}>
{% endfor %}
{% if ctx.bindings.constHelpers %}

/* bindgen cannot evaluate these macros, which are casts. */
{% for helper in ctx.bindings.constHelpers %}
const {{ helper.type }} RUST_CONST_HELPER_{{ helper.name }} = {{ helper.name }};
{% endfor %}
{% endif %}

"""#,
        "c/blk.c.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

/* {{ ctx.notice }} */
{% if ctx.helpersExported %}
/* Paste into rust/helpers.c, which exports each helper itself. */
{% endif %}

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
{% for helper in ctx.helpers %}

{{ "__rust_helper " if ctx.helperAnnotation else "" }}{{ helper.resultPrefix }}rust_helper_{{ helper.name }}({% for parameter in helper.parameters %}{{ parameter.declaration }}{{ ", " if not forloop.last else "" }}{% empty %}void{% endfor %})
{
	{{ "return " if helper.returnsValue else "" }}{{ helper.name }}({% for parameter in helper.parameters %}{{ parameter.name }}{{ ", " if not forloop.last else "" }}{% endfor %});
}
{% if ctx.helpersExported %}
EXPORT_SYMBOL_GPL(rust_helper_{{ helper.name }});
{% endif %}
{% endfor %}

"""#,
        "rust/block.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! Support for block device drivers.
//!
//! C header: [`include/linux/blk_types.h`](srctree/include/linux/blk_types.h)

pub mod mq;

/// Sectors are `1 << SECTOR_SHIFT` bytes long.
pub const SECTOR_SHIFT: u32 = bindings::SECTOR_SHIFT;

/// The size of a sector in bytes.
pub const SECTOR_SIZE: u32 = bindings::SECTOR_SIZE;

/// How many sectors fit in a page, as a power of two.
pub const PAGE_SECTORS_SHIFT: u32 = bindings::PAGE_SECTORS_SHIFT;

/// Masks a sector number down to its offset within a page.
pub const SECTOR_MASK: u32 = bindings::SECTOR_MASK;

"""#,
        "rust/callback_signature.stencil": #"""
{% if callback.tall %}
    unsafe extern "C" fn {{ callback.name }}_callback(
{% for parameter in callback.parameters %}
        {{ parameter.name }}: {{ parameter.type }},
{% endfor %}
    ){{ " -> " if callback.result else "" }}{{ callback.result }} {{ "{" }}
{% if body == "empty" %}
    }
{% endif %}
{% else %}
    unsafe extern "C" fn {{ callback.name }}_callback({% for parameter in callback.parameters %}{{ parameter.name }}: {{ parameter.type }}{{ ", " if not forloop.last else "" }}{% endfor %}){{ " -> " if callback.result else "" }}{{ callback.result }} {{ "{}" if body == "empty" else "{" }}
{% endif %}

"""#,
        "rust/command.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! What a request asks of the driver: its operation and its flags.
//!
//! Both are rendered from this tree's `enum req_op`, `enum req_flag_bits`
//! and `REQ_*` macros, with the values the compiler gives them.
//!
//! C header: [`include/linux/blk_types.h`](srctree/include/linux/blk_types.h)

use core::ops::{BitOr, BitOrAssign};

/// The operation of a request: C `enum req_op`.
///
/// A value this tree's enum does not name is [`Command::Unknown`], never
/// another operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
{% for operation in ctx.request.operations %}
    /// `{{ operation.cName }}`.
    {{ operation.name }},
{% endfor %}
    /// A value `enum req_op` does not name.
    Unknown(u32),
}

impl Command {
    /// Returns the operation whose `enum req_op` value is `raw`.
    pub fn from_raw(raw: u32) -> Self {
        match raw {
{% for operation in ctx.request.operations %}
            {{ operation.value }} => Self::{{ operation.name }},
{% endfor %}
            other => Self::Unknown(other),
        }
    }

    /// Returns the `enum req_op` value of the operation.
    pub fn as_raw(self) -> u32 {
        match self {
{% for operation in ctx.request.operations %}
            Self::{{ operation.name }} => {{ operation.value }},
{% endfor %}
            Self::Unknown(raw) => raw,
        }
    }
}

/// The flags of a request: the bits of its `cmd_flags` above the operation,
/// one for each C `REQ_*` flag of `enum req_flag_bits`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(u32);

impl Flags {
{% for flag in ctx.request.flags %}
    /// `{{ flag.cName }}`.
    pub const {{ flag.name }}: Self = Self(1 << {{ flag.bit }});
{% endfor %}

    /// The bits of `cmd_flags` that hold the operation: `REQ_OP_MASK`.
    const OPERATION_MASK: u32 = {{ ctx.request.operationMask }};

    /// Returns the flags of a request's `cmd_flags`, without its operation.
    pub fn from_cmd_flags(cmd_flags: u32) -> Self {
        Self(cmd_flags & !Self::OPERATION_MASK)
    }

    /// Returns the flags as `cmd_flags` bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Returns whether every flag of `other` is set in `self`.
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Flags {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl BitOrAssign for Flags {
    fn bitor_assign(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

"""#,
        "rust/empty_value.stencil": #"""
{% with value=entry.kind.empty.value %}{{ "None" if value.isFunction else "" }}{{ "core::ptr::null()" if value.isConstPointer else "" }}{{ "core::ptr::null_mut()" if value.isMutPointer else "" }}{{ "false" if value.isBool else "" }}{{ "0" if value.isInteger else "" }}{% endwith %}
"""#,
        "rust/eras/arefModule.stencil": #"""
{# The era capability arefModule (Linux 6.17): `ARef` and `AlwaysRefCounted` live in `kernel::sync::aref`; before, in `kernel::types`. #}
{# Each piece gives the text for trees that have it, then, after "before", for older trees; #}
{# a module template renders one by an "era" tag naming the capability and the piece (Sources/Gen/EraTag.swift). #}

{% piece mq.aref_doc_link %}
//! Requests reach the driver as [`ARef<Request>`](kernel::sync::aref::ARef). The
{% before %}
//! Requests reach the driver as [`ARef<Request>`](kernel::types::ARef). The
{% endpiece %}

{% piece mq.doc_example_imports %}
//! use kernel::{alloc::flags, block::mq::*, prelude::*, sync::aref::ARef, sync::Arc};
{% before %}
//! use kernel::{alloc::flags, block::mq::*, prelude::*, sync::Arc, types::ARef};
{% endpiece %}

{% piece operations.imports %}
    sync::aref::ARef,
{% before %}
    types::ARef,
{% endpiece %}

{% piece request.imports %}
    sync::aref::{ARef, AlwaysRefCounted},
    types::Opaque,
{% before %}
    types::{ARef, AlwaysRefCounted, Opaque},
{% endpiece %}

"""#,
        "rust/eras/nullTerminatedFormatter.stencil": #"""
{# The era capability nullTerminatedFormatter (Linux 6.18): the disk name is written with `kernel::str::NullTerminatedFormatter`; before, with the module's own `RawWriter`. #}
{# Each piece gives the text for trees that have it, then, after "before", for older trees; #}
{# a module template renders one by an "era" tag naming the capability and the piece (Sources/Gen/EraTag.swift). #}

{% piece mq.raw_writer_module %}
{% before %}
mod raw_writer;
{% endpiece %}

{% piece gen_disk.imports %}
use crate::block::mq::{Operations, TagSet};
use crate::str::NullTerminatedFormatter;
{% before %}
use crate::block::mq::{raw_writer::RawWriter, Operations, TagSet};
{% endpiece %}

{% piece gen_disk.disk_name %}
        let mut writer = NullTerminatedFormatter::new(
            // SAFETY: `gendisk` is valid, and the access is exclusive because
            // the disk has not been added yet.
            unsafe { &mut (*gendisk).disk_name },
        )
        .ok_or(error::code::EINVAL)?;
        writer.write_fmt(name)?;
{% before %}
        let mut raw_writer = RawWriter::from_array(
            // SAFETY: `gendisk` is valid, and the access is exclusive because
            // the disk has not been added yet.
            unsafe { &mut (*gendisk).disk_name },
        )?;
        raw_writer.write_fmt(name)?;
        raw_writer.write_char('\0')?;
{% endpiece %}

"""#,
        "rust/eras/pinInitCrate.stencil": #"""
{# The era capability pinInitCrate (Linux 6.15): pin-init is its own crate, `pin_init`; before, its macros came from `macros` and `kernel::init`. #}
{# Each piece gives the text for trees that have it, then, after "before", for older trees; #}
{# a module template renders one by an "era" tag naming the capability and the piece (Sources/Gen/EraTag.swift). #}

{% piece tag_set.prelude_imports %}
    prelude::try_pin_init,
{% before %}
    prelude::PinInit,
    try_pin_init,
{% endpiece %}

{% piece tag_set.pin_imports %}
use pin_init::{pin_data, pinned_drop, PinInit};
{% before %}
use macros::{pin_data, pinned_drop};
{% endpiece %}

{% piece tag_set.pin_chain %}
        // pin-init initialises a field in place from a `Result` of its value.
        let tag_set: Result<Opaque<bindings::blk_mq_tag_set>, error::Error> =
            tag_set.map(Opaque::new).map_err(|e| e.into());

        try_pin_init!(TagSet {
            inner <- tag_set.pin_chain(|tag_set| {
{% before %}
        try_pin_init!(TagSet {
            inner <- PinInit::<_, error::Error>::pin_chain(Opaque::new(tag_set?), |tag_set| {
{% endpiece %}

{% piece tag_set.tag_set_reference %}
                let tag_set: &mut Opaque<bindings::blk_mq_tag_set> =
                    unsafe { Pin::get_unchecked_mut(tag_set) };
{% before %}
                let tag_set = unsafe { Pin::get_unchecked_mut(tag_set) };
{% endpiece %}

"""#,
        "rust/eras/queueData.stencil": #"""
{# The era capability queueData (Linux 6.18): `Operations` has a `QueueData` type, lent to `queue_rq` and `commit_rqs` and owned by the disk, and completions go through `Operations::complete`; before, the callbacks took no queue data. #}
{# Each piece gives the text for trees that have it, then, after "before", for older trees; #}
{# a module template renders one by an "era" tag naming the capability and the piece (Sources/Gen/EraTag.swift). #}

{% piece mq.doc_example %}
//! use kernel::{alloc::flags, block::mq::*, prelude::*, sync::aref::ARef, sync::Arc};
//!
//! struct Sink;
//!
//! #[vtable]
//! impl Operations for Sink {
//!     type QueueData = ();
//!
//!     fn queue_rq(_queue_data: (), rq: ARef<Request<Self>>, _is_last: bool) -> Result {
//!         // Nothing else holds `rq`, so ending it cannot fail.
//!         Request::end_ok(rq).map_err(|_| EIO)
//!     }
//!
//!     fn commit_rqs(_queue_data: ()) {}
//!
//!     fn complete(rq: ARef<Request<Self>>) {
//!         // As in `queue_rq`, this is the only reference.
//!         let _ = Request::end_ok(rq);
//!     }
//! }
//!
//! let tagset: Arc<TagSet<Sink>> = Arc::pin_init(TagSet::new(1, 128, 1), flags::GFP_KERNEL)?;
//! let _disk = gen_disk::GenDiskBuilder::new()
//!     .capacity_sectors(8192)
//!     .build(fmt!("sink"), tagset, ())?;
{% before %}
{% era arefModule mq.doc_example_imports %}
//!
//! struct Sink;
//!
//! #[vtable]
//! impl Operations for Sink {
//!     fn queue_rq(rq: ARef<Request<Self>>, _is_last: bool) -> Result {
//!         // Nothing else holds `rq`, so ending it cannot fail.
//!         Request::end_ok(rq).map_err(|_| EIO)
//!     }
//!
//!     fn commit_rqs() {}
//! }
//!
//! let tagset: Arc<TagSet<Sink>> = Arc::pin_init(TagSet::new(1, 128, 1), flags::GFP_KERNEL)?;
//! let _disk = gen_disk::GenDiskBuilder::new()
//!     .capacity_sectors(8192)
//!     .build(format_args!("sink"), tagset)?;
{% endpiece %}

{% piece operations.imports %}
    types::ForeignOwnable,
{% endpiece %}

{% piece operations.borrowed_alias %}

/// What `ForeignOwnable::borrow` gives for a driver's queue data.
type ForeignBorrowed<'a, T> = <T as ForeignOwnable>::Borrowed<'a>;
{% endpiece %}

{% piece operations.trait_methods %}
    /// The driver's data for the `struct request_queue` of a disk: handed to
    /// [`GenDiskBuilder::build`], lent to every call below, and dropped
    /// with the disk.
    ///
    /// [`GenDiskBuilder::build`]: super::gen_disk::GenDiskBuilder::build
    type QueueData: ForeignOwnable + Sync;

    /// Hands a started request to the driver. When `is_last` is `false`,
    /// more requests follow and the driver may wait for
    /// [`Operations::commit_rqs`] before it tells the hardware.
    fn queue_rq(
        queue_data: ForeignBorrowed<'_, Self::QueueData>,
        rq: ARef<Request<Self>>,
        is_last: bool,
    ) -> Result;

    /// Tells the driver to submit whatever it queued but has not yet
    /// submitted.
    fn commit_rqs(queue_data: ForeignBorrowed<'_, Self::QueueData>);

    /// Finishes a request the driver passed to [`Request::complete`], in the
    /// context blk-mq chose for the completion.
    fn complete(rq: ARef<Request<Self>>);
{% before %}
    /// Hands a started request to the driver. When `is_last` is `false`,
    /// more requests follow and the driver may wait for
    /// [`Operations::commit_rqs`] before it tells the hardware.
    fn queue_rq(rq: ARef<Request<Self>>, is_last: bool) -> Result;

    /// Tells the driver to submit whatever it queued but has not yet
    /// submitted.
    fn commit_rqs();
{% endpiece %}

{% piece operations.queue_rq_borrow %}

        // SAFETY: `hctx` is live by the safety requirements of this function,
        // and so is the queue it belongs to.
        let queue_data = unsafe { (*(*hctx).queue).queuedata };

        // SAFETY: `GenDiskBuilder::build` set `queuedata` from
        // `ForeignOwnable::into_foreign`, and only dropping the `GenDisk`
        // takes it back, after blk-mq has stopped calling into the queue.
        let queue_data = unsafe { T::QueueData::borrow(queue_data) };
{% endpiece %}

{% piece operations.queue_rq_argument %}
            queue_data,
{% endpiece %}

{% piece operations.commit_rqs_safety %}
    /// Only the blk-mq C code may call this function, with a live `hctx`.
{% before %}
    /// Only the blk-mq C code may call this function.
{% endpiece %}

{% piece operations.commit_rqs_body %}
        // SAFETY: `hctx` is live by the safety requirements of this function.
        let queue_data = unsafe { (*(*hctx).queue).queuedata };

        // SAFETY: As in `queue_rq_callback`: `queuedata` came from
        // `into_foreign` and outlives every call into the queue.
        let queue_data = unsafe { T::QueueData::borrow(queue_data) };
        T::commit_rqs(queue_data)
{% before %}
        T::commit_rqs()
{% endpiece %}

{% piece operations.complete_callback %}
    /// Called by blk-mq, in the context it chose, for a request the driver
    /// passed to [`Request::complete`].
    ///
    /// # Safety
    ///
    /// Only the blk-mq C code may call this function, for a request that
    /// `Request::complete` handed over: that call gave up one count of the
    /// request, which this function takes back.
{% with callback=ctx.callbacks.complete %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        // SAFETY: `Request::complete` turned its `ARef` into this pointer,
        // so the count it held is ours to take over.
        let rq = unsafe { Request::aref_from_raw(rq) };
        T::complete(rq);
    }
{% before %}
    /// Called by blk-mq when a request completes. Drivers built on these
    /// abstractions end their requests directly, so there is nothing to do.
    ///
    /// # Safety
    ///
    /// Only the blk-mq C code may call this function.
{% with callback=ctx.callbacks.complete body="empty" %}{% include "rust/callback_signature.stencil" %}{% endwith %}
{% endpiece %}

{% piece request.complete %}

    /// Completes the request through blk-mq: [`Operations::complete`] then
    /// runs for it, on this CPU or, by IPI, on the one that submitted it
    /// (see `blk_mq_complete_request_remote` in [`block/blk-mq.c`]).
    ///
    /// [`block/blk-mq.c`]: srctree/block/blk-mq.c
    pub fn complete(this: ARef<Self>) {
        // The count `this` holds travels with the pointer to the
        // completion, which takes it back as an `ARef`.
        let ptr = ARef::into_raw(this).cast::<bindings::request>().as_ptr();
        // SAFETY: By the type invariants, `ptr` is a valid request that the
        // driver owns.
        if !unsafe { bindings::blk_mq_complete_request_remote(ptr) } {
            // SAFETY: blk-mq left the completion to us, so the count given
            // up above is still ours.
            let this = unsafe { Self::aref_from_raw(ptr) };
            T::complete(this);
        }
    }
{% endpiece %}

{% piece gen_disk.imports %}
use crate::types::ForeignOwnable;
{% endpiece %}

{% piece gen_disk.build_signature %}
    /// Allocates the disk on `tagset` with `queue_data` as its queue's data,
    /// names it `name` and adds it to the system. The disk owns
    /// `queue_data` from here on, also when this fails.
    pub fn build<T: Operations>(
        self,
        name: fmt::Arguments<'_>,
        tagset: Arc<TagSet<T>>,
        queue_data: T::QueueData,
    ) -> Result<GenDisk<T>> {
        let data = queue_data.into_foreign();
        let recover_data = ScopeGuard::new(|| {
            // SAFETY: `data` came from `into_foreign` above and nothing else
            // took it back.
            drop(unsafe { T::QueueData::from_foreign(data) });
        });

{% before %}
    /// Allocates the disk on `tagset`, names it `name` and adds it to the system.
    pub fn build<T: Operations>(
        self,
        name: fmt::Arguments<'_>,
        tagset: Arc<TagSet<T>>,
    ) -> Result<GenDisk<T>> {
{% endpiece %}

{% piece gen_disk.alloc_queue_data %}
                data,
{% before %}
                core::ptr::null_mut(),
{% endpiece %}

{% piece gen_disk.cleanup_failure %}
        let cleanup_failure = ScopeGuard::new_with_data((gendisk, data), |(gendisk, data)| {
            // SAFETY: `gendisk` came from `__blk_mq_alloc_disk` above and was
            // never added, so dropping the allocation reference frees it.
            unsafe { bindings::put_disk(gendisk) };
            // SAFETY: `data` came from `into_foreign` above, and this path
            // is the only one that takes it back.
            drop(unsafe { T::QueueData::from_foreign(data) });
        });

        // From here the failure guard releases the queue data too.
        recover_data.dismiss();
{% before %}
        let cleanup_failure = ScopeGuard::new_with_data(gendisk, |gendisk| {
            // SAFETY: `gendisk` came from `__blk_mq_alloc_disk` above and was
            // never added, so dropping the allocation reference frees it.
            unsafe { bindings::put_disk(gendisk) };
        });
{% endpiece %}

{% piece gen_disk.build_invariant %}
        // INVARIANT: `__blk_mq_alloc_disk` set the queue's `queuedata` to
        // `data`, from `into_foreign`.
{% endpiece %}

{% piece gen_disk.type_invariants %}
/// - The queue's `queuedata` came from `ForeignOwnable::into_foreign` of a
///   `T::QueueData`, which the disk owns.
{% endpiece %}

{% piece gen_disk.send %}
// SAFETY: `GenDisk` owns its `struct gendisk` pointer, an `Arc` of the tag set
// and the queue data; moving it to another thread is sound when those are
// `Send`.
unsafe impl<T> Send for GenDisk<T>
where
    T: Operations,
    T::QueueData: Send,
    Arc<TagSet<T>>: Send,
{
}
{% before %}
// SAFETY: `GenDisk` owns its `struct gendisk` pointer and an `Arc` of the tag
// set; moving it to another thread is sound when `T` is `Send`.
unsafe impl<T: Operations + Send> Send for GenDisk<T> {}
{% endpiece %}

{% piece gen_disk.drop_take_data %}
        // SAFETY: By the type invariants, `self.gendisk` and its queue are
        // valid.
        let queue_data = unsafe { (*(*self.gendisk).queue).queuedata };

{% endpiece %}

{% piece gen_disk.drop_release_data %}

        // SAFETY: By the type invariants, `queue_data` came from
        // `into_foreign`; with the disk gone, blk-mq no longer lends it out,
        // so it is taken back once, here.
        drop(unsafe { T::QueueData::from_foreign(queue_data) });
{% endpiece %}

"""#,
        "rust/gen_disk.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! The generic disk: a block device as the rest of the kernel sees it.
//!
//! C header: [`include/linux/blkdev.h`](srctree/include/linux/blkdev.h)
//! C header: [`include/linux/blk-mq.h`](srctree/include/linux/blk-mq.h)

{% era nullTerminatedFormatter gen_disk.imports %}
{% era queueData gen_disk.imports %}
use crate::{bindings, error::from_err_ptr, error::Result, sync::Arc, types::ScopeGuard};
use crate::{error, static_lock_class};
use core::fmt::{self, Write};

/// Collects the settings of a new [`GenDisk`] and then adds it to the system.
pub struct GenDiskBuilder {
    rotational: bool,
    logical_block_size: u32,
    physical_block_size: u32,
    capacity_sectors: u64,
    write_cache: bool,
    fua: bool,
    max_discard_sectors: u32,
    discard_granularity: u32,
    max_write_zeroes_sectors: u32,
    timeout_ms: u32,
}

impl Default for GenDiskBuilder {
    fn default() -> Self {
        Self {
            rotational: false,
            logical_block_size: bindings::PAGE_SIZE as u32,
            physical_block_size: bindings::PAGE_SIZE as u32,
            capacity_sectors: 0,
            write_cache: false,
            fua: false,
            max_discard_sectors: 0,
            discard_granularity: 0,
            max_write_zeroes_sectors: 0,
            timeout_ms: 0,
        }
    }
}

impl GenDiskBuilder {
    /// Starts from the defaults: non-rotational, page-sized blocks, no capacity.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets whether the device is rotational media.
    pub fn rotational(mut self, rotational: bool) -> Self {
        self.rotational = rotational;
        self
    }

    /// Accepts a block size that is a power of two from 512 up to `PAGE_SIZE`,
    /// and fails with `EINVAL` otherwise.
    pub fn validate_block_size(size: u32) -> Result<()> {
        if !(512..=bindings::PAGE_SIZE as u32).contains(&size) || !size.is_power_of_two() {
            Err(error::code::EINVAL)
        } else {
            Ok(())
        }
    }

    /// Sets the logical block size: the smallest unit the device addresses.
    ///
    /// Fails with `EINVAL`, leaving the setting unchanged, unless `block_size`
    /// is a power of two from 512 up to 4096.
    pub fn logical_block_size(mut self, block_size: u32) -> Result<Self> {
        Self::validate_block_size(block_size)?;
        self.logical_block_size = block_size;
        Ok(self)
    }

    /// Sets the physical block size: the smallest unit the device writes
    /// atomically. It may exceed the logical block size, as on drives that
    /// address 512-byte sectors but write 4096-byte ones.
    ///
    /// Fails with `EINVAL`, leaving the setting unchanged, unless `block_size`
    /// is a power of two from 512 up to 4096.
    pub fn physical_block_size(mut self, block_size: u32) -> Result<Self> {
        Self::validate_block_size(block_size)?;
        self.physical_block_size = block_size;
        Ok(self)
    }

    /// Sets the capacity in 512-byte sectors.
    pub fn capacity_sectors(mut self, capacity: u64) -> Self {
        self.capacity_sectors = capacity;
        self
    }

    /// Declares a volatile write cache: the device may acknowledge a write
    /// before the data is durable, and the block layer sends flushes
    /// ([`Command::Flush`] and [`Flags::PREFLUSH`]) to make it so.
    ///
    /// [`Command::Flush`]: super::Command::Flush
    /// [`Flags::PREFLUSH`]: super::Flags::PREFLUSH
    pub fn write_cache(mut self, write_cache: bool) -> Self {
        self.write_cache = write_cache;
        self
    }

    /// Declares forced unit access: a write with [`Flags::FUA`] is durable
    /// when it ends. Only meaningful with [`Self::write_cache`].
    ///
    /// [`Flags::FUA`]: super::Flags::FUA
    pub fn fua(mut self, fua: bool) -> Self {
        self.fua = fua;
        self
    }

    /// Declares discard ([`Command::Discard`]) of up to `max_sectors`
    /// 512-byte sectors a request, in units of `granularity` bytes (0: the
    /// physical block size). Zero `max_sectors` means no discard.
    ///
    /// [`Command::Discard`]: super::Command::Discard
    pub fn discard(mut self, max_sectors: u32, granularity: u32) -> Self {
        self.max_discard_sectors = max_sectors;
        self.discard_granularity = granularity;
        self
    }

    /// Declares write-zeroes ([`Command::WriteZeroes`]) of up to
    /// `max_sectors` 512-byte sectors a request. Zero means none.
    ///
    /// [`Command::WriteZeroes`]: super::Command::WriteZeroes
    pub fn write_zeroes(mut self, max_sectors: u32) -> Self {
        self.max_write_zeroes_sectors = max_sectors;
        self
    }

    /// The discard granularity to declare: the physical block size unless
    /// set, since the block layer rejects discards of granularity 0.
    fn discard_granularity(&self) -> u32 {
        if self.discard_granularity == 0 {
            self.physical_block_size
        } else {
            self.discard_granularity
        }
    }

    /// Sets how long a request may take, in milliseconds, before the block
    /// layer calls [`Operations::timeout`]. Zero keeps blk-mq's default of
    /// 30 seconds.
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

{% era queueData gen_disk.build_signature %}
{% if ctx.disk.allocTakesLimits %}
        // SAFETY: Every field of `bindings::queue_limits` is valid when zeroed.
        let mut lim: bindings::queue_limits = unsafe { core::mem::zeroed() };

        lim.logical_block_size = self.logical_block_size;
        lim.physical_block_size = self.physical_block_size;
        lim.max_hw_discard_sectors = self.max_discard_sectors;
        lim.discard_granularity = self.discard_granularity();
        lim.max_write_zeroes_sectors = self.max_write_zeroes_sectors;
{% if ctx.disk.rotationalFeature %}
        if self.rotational {
            lim.features |= bindings::{{ ctx.disk.rotationalFeature }};
        }
{% endif %}
{% if ctx.disk.writeCacheFeature %}
        if self.write_cache {
            lim.features |= bindings::{{ ctx.disk.writeCacheFeature }};
        }
{% endif %}
{% if ctx.disk.fuaFeature %}
        if self.fua {
            lim.features |= bindings::{{ ctx.disk.fuaFeature }};
        }
{% endif %}

        // SAFETY: `tagset.raw_tag_set()` points to an initialized tag set.
        let gendisk = from_err_ptr(unsafe {
            bindings::__blk_mq_alloc_disk(
                tagset.raw_tag_set(),
                &mut lim,
{% era queueData gen_disk.alloc_queue_data %}
                static_lock_class!().as_ptr(),
            )
        })?;
{% if not ctx.disk.writeCacheFeature %}

        // The limits have no features before 6.11: the cache is set on the
        // queue.
        // SAFETY: `gendisk` was allocated above with its queue, and nothing
        // else can reach either before the disk is added.
        unsafe { bindings::blk_queue_write_cache((*gendisk).queue, self.write_cache, self.fua) };
{% endif %}
{% else %}
        // SAFETY: `tagset.raw_tag_set()` points to an initialized tag set.
        let gendisk = from_err_ptr(unsafe {
            bindings::__blk_mq_alloc_disk(
                tagset.raw_tag_set(),
{% era queueData gen_disk.alloc_queue_data %}
                static_lock_class!().as_ptr(),
            )
        })?;

        // SAFETY: `gendisk` was allocated above with its queue, and nothing
        // else can reach either before the disk is added.
        unsafe {
            bindings::blk_queue_logical_block_size((*gendisk).queue, self.logical_block_size);
            bindings::blk_queue_physical_block_size((*gendisk).queue, self.physical_block_size);
        }
{% if ctx.disk.nonRotationalFlag %}
        if !self.rotational {
            // SAFETY: As above, `(*gendisk).queue` is valid and not yet shared.
            unsafe { bindings::blk_queue_flag_set(bindings::{{ ctx.disk.nonRotationalFlag }}, (*gendisk).queue) };
        }
{% endif %}

        // SAFETY: As above, `(*gendisk).queue` is valid and not yet shared.
        unsafe {
            bindings::blk_queue_write_cache((*gendisk).queue, self.write_cache, self.fua);
            bindings::blk_queue_max_discard_sectors((*gendisk).queue, self.max_discard_sectors);
            (*(*gendisk).queue).limits.discard_granularity = self.discard_granularity();
            bindings::blk_queue_max_write_zeroes_sectors(
                (*gendisk).queue,
                self.max_write_zeroes_sectors,
            );
        }
{% endif %}

        if self.timeout_ms != 0 {
            let jiffies = crate::time::msecs_to_jiffies(self.timeout_ms);
            // SAFETY: `gendisk` was allocated above with its queue, and
            // nothing else can reach either before the disk is added.
            unsafe {
                bindings::blk_queue_rq_timeout(
                    (*gendisk).queue,
                    u32::try_from(jiffies).unwrap_or(u32::MAX),
                )
            };
        }

        const TABLE: bindings::{{ ctx.diskOps.record }} = bindings::{{ ctx.diskOps.record }} {
{% for entry in ctx.diskOps.entries %}
{% if entry.cfg %}
            #[cfg({{ entry.cfg }})]
{% endif %}
{% if entry.name == "owner" %}
            // A `const` cannot refer to the `THIS_MODULE` static yet, so the
            // module is not pinned while the disk is open.
{% endif %}
            {{ entry.field }}: {{ "" }}{% include "rust/empty_value.stencil" %},
{% endfor %}
        };

        // SAFETY: `gendisk` is valid: it was allocated above.
        unsafe { (*gendisk).fops = &TABLE };

{% era queueData gen_disk.cleanup_failure %}

{% era nullTerminatedFormatter gen_disk.disk_name %}

        // SAFETY: `gendisk` is valid, and `set_capacity` serializes the update
        // itself.
        unsafe { bindings::set_capacity(gendisk, self.capacity_sectors) };

        crate::error::to_result(
            // SAFETY: `gendisk` is valid and fully set up.
            unsafe {
                bindings::device_add_disk(core::ptr::null_mut(), gendisk, core::ptr::null_mut())
            },
        )?;

        cleanup_failure.dismiss();

        // INVARIANT: `gendisk` was allocated and initialized above.
        // INVARIANT: `gendisk` was added with `device_add_disk` above.
{% era queueData gen_disk.build_invariant %}
        Ok(GenDisk {
            _tagset: tagset,
            gendisk,
        })
    }
}

/// A block device added to the system.
///
/// # Invariants
///
/// - `gendisk` points to an initialized and valid `struct gendisk`.
/// - `gendisk` was added with `bindings::device_add_disk`.
{% era queueData gen_disk.type_invariants %}
pub struct GenDisk<T: Operations> {
    _tagset: Arc<TagSet<T>>,
    gendisk: *mut bindings::gendisk,
}

{% era queueData gen_disk.send %}

impl<T: Operations> Drop for GenDisk<T> {
    fn drop(&mut self) {
{% era queueData gen_disk.drop_take_data %}
        // SAFETY: By the type invariants, `self.gendisk` is valid and was
        // added to the system.
        unsafe { bindings::del_gendisk(self.gendisk) };

        // SAFETY: By the type invariants, `self.gendisk` was added, and
        // `del_gendisk` above removed it; `put_disk` drops the last reference.
        unsafe { bindings::put_disk(self.gendisk) };
{% era queueData gen_disk.drop_release_data %}
    }
}

"""#,
        "rust/mq.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! Abstractions for block drivers built on the multi-queue block layer (blk-mq).
//!
//! C headers: [`include/linux/blk-mq.h`](srctree/include/linux/blk-mq.h) and
//! [`include/linux/blkdev.h`](srctree/include/linux/blkdev.h)
//!
//! A driver provides three things:
//!
//! - a type implementing [`Operations`], whose methods blk-mq calls,
//! - a [`TagSet`] for that type, which sizes the hardware queues and the pool
//!   of requests per queue,
//! - a [`GenDisk`], made with [`GenDiskBuilder`] and added to the system by
//!   [`GenDiskBuilder::build`] with a reference to the tag set.
//!
//! Each abstraction wraps one C type: [`TagSet`] wraps `struct blk_mq_tag_set`,
//! [`GenDisk`] wraps `struct gendisk` and [`Request`] wraps `struct request`.
//!
{% era arefModule mq.aref_doc_link %}
//! block layer marks a request started before the driver sees it; the driver
//! owes exactly one end call for it (for example [`Request::end_ok`]). A
//! request that is never ended stalls its queue until the timeout handler
//! runs.
//!
//! Unlike a C driver, a Rust driver holds a reference count on every request
//! it has in flight. That count is what keeps the C `struct request` alive
//! while Rust code can reach it, and what lets a tag be turned back into a
//! [`Request`] soundly: only a request the driver owns can be looked up.
//!
//! A [`TagSet`] may serve several disks, for hardware that exposes one pool
//! of queues as more than one device.
//!
//! [`GenDisk`]: gen_disk::GenDisk
//! [`GenDiskBuilder`]: gen_disk::GenDiskBuilder
//! [`GenDiskBuilder::build`]: gen_disk::GenDiskBuilder::build
//!
//! # Example
//!
//! ```rust
{% era queueData mq.doc_example %}
//!
//! # Ok::<(), kernel::error::Error>(())
//! ```

mod command;
pub mod gen_disk;
mod operations;
{% era nullTerminatedFormatter mq.raw_writer_module %}
mod request;
mod tag_set;

pub use command::{Command, Flags};
pub use operations::Operations;
pub use operations::TimeoutAction;
pub use request::Request;
pub use tag_set::TagSet;

"""#,
        "rust/operations.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! The interface a blk-mq driver implements.
//!
//! C header: [`include/linux/blk-mq.h`](srctree/include/linux/blk-mq.h)

use crate::{
    bindings,
    block::mq::request::RequestDataWrapper,
    block::mq::Request,
    error::{from_result, Result},
{% era arefModule operations.imports %}
{% era queueData operations.imports %}
};
use core::{marker::PhantomData, sync::atomic::AtomicU64, sync::atomic::Ordering};
{% era queueData operations.borrowed_alias %}

/// The methods blk-mq calls on a block driver.
///
/// See the [module level documentation] for how a driver is put together.
/// There is no method for releasing a request's private data: the glue code
/// drops it when the block layer frees the request.
///
/// [module level documentation]: kernel::block::mq
#[macros::vtable]
pub trait Operations: Sized {
{% era queueData operations.trait_methods %}

    /// Reaps completions on a polled queue. Returns whether any were found.
    fn poll() -> bool {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// Handles a request that has not ended within its queue's timeout
    /// (set with [`GenDiskBuilder::timeout_ms`]).
    ///
    /// It is called only for a request the driver owns and holds no
    /// handle to, and it gets the only one: the driver may end the request
    /// through it (for example with [`Request::end`] and an error) and
    /// return [`TimeoutAction::Done`], or drop it and return
    /// [`TimeoutAction::ResetTimer`] to wait longer. A request the driver
    /// still holds a handle to is one it is working on: its timer is reset
    /// without this call, so that no second handle can race the first to
    /// end it. Once the request is ended, whatever this returns is taken as
    /// [`TimeoutAction::Done`].
    ///
    /// [`GenDiskBuilder::timeout_ms`]: super::gen_disk::GenDiskBuilder::timeout_ms
    fn timeout(_rq: ARef<Request<Self>>) -> TimeoutAction {
        crate::build_error!(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// What the block layer does with a timed-out request: C
/// `enum blk_eh_timer_return`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutAction {
{% for result in ctx.request.timeoutResults %}
    /// `{{ result.cName }}`.
    {{ result.name }},
{% endfor %}
}

impl TimeoutAction {
    fn as_raw(self) -> bindings::blk_eh_timer_return {
        match self {
{% for result in ctx.request.timeoutResults %}
            Self::{{ result.name }} => {{ result.value }},
{% endfor %}
        }
    }
}

/// The `bindings::blk_mq_ops` table for an [`Operations`] implementation.
///
/// Every member of `struct blk_mq_ops` in the parsed header appears in
/// [`Self::VTABLE`], in header order: the ones implemented here point at the
/// `extern "C"` callbacks below, the others are `None`.
///
/// For what each member means, see `struct blk_mq_ops` in
/// [`include/linux/blk-mq.h`].
///
/// [`include/linux/blk-mq.h`]: srctree/include/linux/blk-mq.h
pub(crate) struct OperationsVTable<T: Operations>(PhantomData<T>);

impl<T: Operations> OperationsVTable<T> {
    /// Called by blk-mq to queue one request with the driver.
    ///
    /// # Safety
    ///
    /// - `bd` must be valid for reads for the duration of the call.
    /// - `hctx` must be initialized and live: `init_hctx_callback` has run for
    ///   it and `exit_hctx_callback` has not.
    /// - `(*bd).rq` must point to an initialized and live `bindings::request`:
    ///   `init_request_callback` has run for it and `exit_request_callback`
    ///   has not.
    /// - The driver must own `(*bd).rq`: the block layer does not touch it
    ///   again until the driver calls `bindings::blk_mq_end_request` on it.
{% with callback=ctx.callbacks.queue_rq %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        // SAFETY: By the safety requirements of this function, `bd` is valid
        // for reads and `(*bd).rq` is a live request.
        let request = unsafe { &*(*bd).rq.cast::<Request<T>>() };

        // The driver now owns the request (one count) and holds one `ARef` to
        // it (one more). No other reference exists yet, so a plain store is
        // enough.
        request.wrapper_ref().refcount().store(2, Ordering::Relaxed);

        // SAFETY:
        // - The count stored above includes the one handed to the `ARef`.
        // - By the safety requirements of this function, `(*bd).rq` is a valid
        //   request whose private data is initialized.
        // - The request stays allocated until `blk_mq_end_request` is called,
        //   and the `ARef` counts as a reference until then.
        let rq = unsafe { Request::aref_from_raw((*bd).rq) };

        // SAFETY: The count was set to 2 above and `rq` is the only `ARef`.
        unsafe { Request::start_unchecked(&rq) };
{% era queueData operations.queue_rq_borrow %}

        let ret = T::queue_rq(
{% era queueData operations.queue_rq_argument %}
            rq,
            // SAFETY: `bd` is valid for reads by the safety requirements of
            // this function.
            unsafe { (*bd).last },
        );

        if let Err(e) = ret {
            // The block layer takes the request back (to retry or to end it):
            // from count 1 (the driver dropped its handle) to 0, so that the
            // timeout no longer hands it to the driver.
            let _ = request.wrapper_ref().refcount().compare_exchange(
                1,
                0,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            e.to_blk_status()
        } else {
            bindings::BLK_STS_OK as bindings::blk_status_t
        }
    }

    /// Called by blk-mq to make the driver submit deferred requests.
    ///
    /// # Safety
    ///
{% era queueData operations.commit_rqs_safety %}
{% with callback=ctx.callbacks.commit_rqs %}{% include "rust/callback_signature.stencil" %}{% endwith %}
{% era queueData operations.commit_rqs_body %}
    }

{% era queueData operations.complete_callback %}

    /// Called by blk-mq to poll a queue for completions.
    ///
    /// # Safety
    ///
    /// Only the blk-mq C code may call this function.
{% with callback=ctx.callbacks.poll %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        T::poll().into()
    }

    /// Called by blk-mq when a started request has not ended within its
    /// queue's timeout.
    ///
    /// # Safety
    ///
    /// - Only the blk-mq C code may call this function.
    /// - `rq` must point to an initialized and live `bindings::request`:
    ///   `init_request_callback` has run for it and `exit_request_callback`
    ///   has not.
    /// - The caller holds a reference on the C request (`rq->ref`, which
    ///   blk-mq's timeout walk takes) for the duration of the call, so the
    ///   request is not freed or reused before this returns, even when the
    ///   driver ends it here.
{% with callback=ctx.callbacks.timeout %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        // SAFETY: By the safety requirements of this function, `rq` is a live
        // request whose private data is initialized, and blk-mq's reference
        // keeps it from being freed or reused until this returns.
        let request = unsafe { &*rq.cast::<Request<T>>() };
        // SAFETY: As above.
        let Some(handle) = (unsafe { Request::<T>::unique_aref_from_raw(rq) }) else {
            // Count 0: an end call gave the request back, and blk-mq finishes
            // it. Otherwise the driver holds a handle and is still at work.
            return if request.is_ended() {
                TimeoutAction::Done.as_raw()
            } else {
                TimeoutAction::ResetTimer.as_raw()
            };
        };
        let action = T::timeout(handle);

        // The request cannot have been reused meanwhile, so a count of 0
        // means the driver ended it during the call.
        if request.is_ended() {
            TimeoutAction::Done.as_raw()
        } else {
            action.as_raw()
        }
    }

    /// Called by blk-mq when it sets up a hardware queue.
    ///
    /// # Safety
    ///
    /// Only the blk-mq C code may call this function, at most once per
    /// context before `exit_hctx_callback` is called for it.
{% with callback=ctx.callbacks.init_hctx %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        from_result(|| Ok(0))
    }

    /// Called by blk-mq when it tears down a hardware queue.
    ///
    /// # Safety
    ///
    /// Only the blk-mq C code may call this function.
{% with callback=ctx.callbacks.exit_hctx body="empty" %}{% include "rust/callback_signature.stencil" %}{% endwith %}

    /// Called by blk-mq for each request it allocates, to set up the
    /// driver's private data behind the request.
    ///
    /// # Safety
    ///
    /// - Only the blk-mq C code may call this function.
    /// - `_set` must point to an initialized `TagSet<T>`.
    /// - `rq` must point to an initialized `bindings::request` whose
    ///   allocation holds a `Request` followed by a `RequestDataWrapper`.
{% with callback=ctx.callbacks.init_request %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        from_result(|| {
            // SAFETY: By the safety requirements of this function, `rq` points
            // to an allocation that includes the private data area.
            let pdu = unsafe { Request::wrapper_ptr(rq.cast::<Request<T>>()) };

            // SAFETY: The private data area is allocated but not yet
            // initialized, so writing the count without dropping is correct.
            unsafe { RequestDataWrapper::refcount_ptr(pdu.as_ptr()).write(AtomicU64::new(0)) };

            Ok(0)
        })
    }

    /// Called by blk-mq before it frees a request, to drop the driver's
    /// private data.
    ///
    /// # Safety
    ///
    /// - Only the blk-mq C code may call this function.
    /// - `_set` must point to an initialized `TagSet<T>`.
    /// - `rq` must point to an initialized and valid `Request`.
{% with callback=ctx.callbacks.exit_request %}{% include "rust/callback_signature.stencil" %}{% endwith %}
        // SAFETY: By the invariants of `TagSet`, every request is allocated
        // with room for a `RequestDataWrapper` behind it.
        let pdu = unsafe { bindings::blk_mq_rq_to_pdu(rq) }.cast::<RequestDataWrapper>();

        // SAFETY: `pdu` is valid for reads and writes and was initialized by
        // `init_request_callback`.
        unsafe { core::ptr::drop_in_place(pdu) };
    }

    const VTABLE: bindings::{{ ctx.mqOps.record }} = bindings::{{ ctx.mqOps.record }} {
{% for entry in ctx.mqOps.entries %}
{% if entry.cfg %}
        #[cfg({{ entry.cfg }})]
{% endif %}
{% if entry.kind.callback.flag %}
        {{ entry.field }}: if T::{{ entry.kind.callback.flag }} {
            Some(Self::{{ entry.name }}_callback)
        } else {
            None
        },
{% elif entry.kind.callback %}
        {{ entry.field }}: Some(Self::{{ entry.name }}_callback),
{% else %}
        {{ entry.field }}: {{ "" }}{% include "rust/empty_value.stencil" %},
{% endif %}
{% endfor %}
    };

    pub(crate) const fn build() -> &'static bindings::blk_mq_ops {
        &Self::VTABLE
    }
}

"""#,
        "rust/raw_writer.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! Formatting into a fixed C character array.

use core::fmt::{self, Write};

use crate::error::Result;
use crate::prelude::EINVAL;

/// Writes formatted text into a borrowed byte buffer, keeping it a valid C
/// string.
///
/// # Invariants
///
/// The last byte of `buffer` is always zero.
pub(crate) struct RawWriter<'a> {
    buffer: &'a mut [u8],
    pos: usize,
}

impl<'a> RawWriter<'a> {
    /// Wraps `buffer`; fails with `EINVAL` if it is empty.
    fn new(buffer: &'a mut [u8]) -> Result<RawWriter<'a>> {
        *(buffer.last_mut().ok_or(EINVAL)?) = 0;

        // INVARIANT: The last byte was zeroed above.
        Ok(Self { buffer, pos: 0 })
    }

    pub(crate) fn from_array<const N: usize>(
        a: &'a mut [{{ ctx.ffi }}::c_char; N],
    ) -> Result<RawWriter<'a>> {
        Self::new(
            // SAFETY: `a` is valid for reads and writes of `N` bytes, and
            // `u8` has the size and alignment of `c_char`.
            unsafe { core::slice::from_raw_parts_mut(a.as_mut_ptr().cast::<u8>(), N) },
        )
    }
}

impl Write for RawWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        let len = bytes.len();

        // The final byte stays the terminator.
        if self.pos + len > self.buffer.len() - 1 {
            return Err(fmt::Error);
        }

        // INVARIANT: The check above keeps the last byte untouched.
        self.buffer[self.pos..self.pos + len].copy_from_slice(bytes);

        self.pos += len;

        Ok(())
    }
}

"""#,
        "rust/request.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! The Rust view of a blk-mq `struct request`.
//!
//! C header: [`include/linux/blk-mq.h`](srctree/include/linux/blk-mq.h)

use crate::{
    bindings,
    block::mq::{Command, Flags, Operations},
    error::{Error, Result},
{% era arefModule request.imports %}
};
use core::{
    marker::PhantomData,
    ptr::{addr_of_mut, NonNull},
    sync::atomic::{AtomicU64, Ordering},
};

/// An I/O request: a wrapper around a blk-mq [`struct request`].
///
/// # Implementation details
///
/// Who may touch the request is tracked by a count in its private data, with
/// four states:
///
/// 1. Count 0: the block layer owns the request.
/// 2. Count 1: the driver owns it, and no [`ARef`] to it exists.
/// 3. Count 2: the driver owns it through exactly one [`ARef`].
/// 4. Count above 2: the driver owns it, and several [`ARef`]s exist.
///
/// States 1 and 2 tell whether the driver owns the request, so that turning
/// a tag into a request fails for one the block layer holds. States 3 and 4
/// tell whether a handle is unique, which ending the request requires.
///
/// The count is the `refcount` of the `RequestDataWrapper` that lives in the
/// private data area (the PDU) of the C [`struct request`].
///
/// # Invariants
///
/// * `self.0` is a valid [`struct request`] allocated by the block layer.
/// * The private data area of the request holds an initialized and valid
///   `RequestDataWrapper`.
/// * `self` is reference counted through atomic updates of
///   `self.wrapper_ref().refcount()`.
///
/// [`struct request`]: srctree/include/linux/blk-mq.h
#[repr(transparent)]
pub struct Request<T: Operations>(Opaque<bindings::request>, PhantomData<T>);

impl<T: Operations> Request<T> {
    /// Makes an [`ARef<Request>`] from a [`struct request`] pointer.
    ///
    /// # Safety
    ///
    /// * The caller must own a reference count on `ptr`, which moves to the
    ///   returned [`ARef`].
    /// * The invariants of [`Request`] must hold for the pointee of `ptr`.
    ///
    /// [`struct request`]: srctree/include/linux/blk-mq.h
    pub(crate) unsafe fn aref_from_raw(ptr: *mut bindings::request) -> ARef<Self> {
        // INVARIANT: The safety requirements of this function uphold them.
        // SAFETY: By the safety requirements of this function, the caller
        // hands over a reference count, which the `ARef` takes.
        unsafe { ARef::from_raw(NonNull::new_unchecked(ptr.cast::<Self>())) }
    }

    /// Tells the block layer that the driver starts processing the request,
    /// which among other things arms its timeout.
    ///
    /// # Safety
    ///
    /// The caller must own `this` exclusively:
    /// `this.wrapper_ref().refcount() == 2`.
    pub(crate) unsafe fn start_unchecked(this: &ARef<Self>) {
        // SAFETY: By the type invariants, `this.0` is a valid request, and the
        // safety requirements of this function give exclusive access.
        unsafe { bindings::blk_mq_start_request(this.0.get()) };
    }

    /// Takes the request back from Rust by moving the count from 2 to 0.
    ///
    /// Succeeds, returning the C [`struct request`], only when `this` is the
    /// sole [`ARef`]; otherwise returns `this` unchanged in [`Err`].
    ///
    /// [`struct request`]: srctree/include/linux/blk-mq.h
    fn try_set_end(this: ARef<Self>) -> Result<*mut bindings::request, ARef<Self>> {
        // One exchange, not a loop: a clone racing with this call takes a new
        // reference, and then ending must fail rather than retry.
        if let Err(_old) = this.wrapper_ref().refcount().compare_exchange(
            2,
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            return Err(this);
        }

        let request_ptr = this.0.get();
        core::mem::forget(this);

        Ok(request_ptr)
    }

    /// Makes the only [`ARef`] to a request the driver owns but holds no
    /// handle to (count 1), or returns [`None`] for any other count: 0 when
    /// the block layer has the request, 2 and more when a handle exists.
    ///
    /// # Safety
    ///
    /// * `ptr` must point to a live request whose private data is
    ///   initialized.
    pub(crate) unsafe fn unique_aref_from_raw(ptr: *mut bindings::request) -> Option<ARef<Self>> {
        // SAFETY: By the safety requirements of this function, `ptr` is a
        // live request with initialized private data.
        let request = unsafe { &*ptr.cast::<Self>() };
        // One exchange: a handle made while another exists would let two
        // parties believe they may end the request.
        request
            .wrapper_ref()
            .refcount()
            .compare_exchange(1, 2, Ordering::Relaxed, Ordering::Relaxed)
            .ok()?;
        // SAFETY: The count taken above moves to the returned `ARef`, and the
        // safety requirements of this function give the type invariants.
        Some(unsafe { Self::aref_from_raw(ptr) })
    }

    /// Returns whether the block layer has the request back (count 0).
    pub(crate) fn is_ended(&self) -> bool {
        self.wrapper_ref().refcount().load(Ordering::Relaxed) == 0
    }

    /// Returns the sector the request starts at, in 512-byte units.
    pub fn sector(&self) -> u64 {
        // SAFETY: By the type invariants, `self.0` is a valid request.
        unsafe { bindings::blk_rq_pos(self.0.get()) }
    }

    /// Returns the number of bytes the request transfers.
    ///
    /// Zero for an operation that carries no data, such as a flush.
    pub fn bytes(&self) -> u32 {
        // SAFETY: By the type invariants, `self.0` is a valid request.
        unsafe { bindings::blk_rq_bytes(self.0.get()) }
    }

    /// Returns the number of 512-byte sectors the request covers.
    pub fn sectors(&self) -> u32 {
        // SAFETY: By the type invariants, `self.0` is a valid request.
        unsafe { bindings::blk_rq_sectors(self.0.get()) }
    }

    /// Returns the operation the request asks for.
    pub fn command(&self) -> Command {
        // SAFETY: By the type invariants, `self.0` is a valid request.
        Command::from_raw(unsafe { bindings::req_op(self.0.get()) })
    }

    /// Returns the flags of the request, such as [`Flags::FUA`].
    pub fn flags(&self) -> Flags {
        // SAFETY: By the type invariants, `self.0` is a valid request. While
        // a `Request` can be reached, the driver owns it, and the block
        // layer does not change its `cmd_flags`.
        Flags::from_cmd_flags(unsafe { (*self.0.get()).cmd_flags })
    }

    /// Ends the request successfully and returns it to the block layer.
    ///
    /// Fails, handing `this` back, when another [`ARef`] to the request
    /// exists.
    pub fn end_ok(this: ARef<Self>) -> Result<(), ARef<Self>> {
        Self::end(this, Ok(()))
    }

    /// Ends the request with `status` and returns it to the block layer: an
    /// error is reported as its `blk_status_t` (`EIO` as `BLK_STS_IOERR`).
    ///
    /// Fails, handing `this` back, when another [`ARef`] to the request
    /// exists.
    pub fn end(this: ARef<Self>, status: Result) -> Result<(), ARef<Self>> {
        let status = match status {
            Ok(()) => bindings::BLK_STS_OK as bindings::blk_status_t,
            Err(error) => Error::to_blk_status(error),
        };
        let request_ptr = Self::try_set_end(this)?;

        // SAFETY: By the type invariants, the request is valid. `try_set_end`
        // succeeded, so no `ARef` to it remains and the block layer may have
        // it back.
        unsafe { bindings::blk_mq_end_request(request_ptr, status) };

        Ok(())
    }
{% era queueData request.complete %}

    /// Returns a pointer to the [`RequestDataWrapper`] in the private data
    /// area of the request.
    ///
    /// # Safety
    ///
    /// - `this` must point to an allocation of at least the size of [`Self`]
    ///   plus the size of [`RequestDataWrapper`].
    pub(crate) unsafe fn wrapper_ptr(this: *mut Self) -> NonNull<RequestDataWrapper> {
        let request_ptr = this.cast::<bindings::request>();
        // SAFETY: By the safety requirements of this function, `this` is a
        // valid allocation.
        let wrapper_ptr =
            unsafe { bindings::blk_mq_rq_to_pdu(request_ptr).cast::<RequestDataWrapper>() };
        // SAFETY: `blk_mq_rq_to_pdu` returns a pointer into the allocation,
        // which is never null.
        unsafe { NonNull::new_unchecked(wrapper_ptr) }
    }

    /// Returns a reference to the [`RequestDataWrapper`] in the private data
    /// area of the request.
    pub(crate) fn wrapper_ref(&self) -> &RequestDataWrapper {
        // SAFETY: By the type invariants, `self.0` is a valid allocation whose
        // private data is initialized; `&self` keeps it alive and shared for
        // the returned lifetime.
        unsafe { Self::wrapper_ptr(core::ptr::from_ref(self).cast_mut()).as_ref() }
    }
}

/// The driver-side data stored in the private area of a C [`struct request`].
///
/// [`struct request`]: srctree/include/linux/blk-mq.h
pub(crate) struct RequestDataWrapper {
    /// Ownership and handle count of the request:
    ///
    /// - 0: the C block layer owns it.
    /// - 1: the Rust abstractions own it, with no [`ARef`] to it.
    /// - 2 and more: [`ARef`]s to it exist.
    refcount: AtomicU64,
}

impl RequestDataWrapper {
    /// Returns the count of the request that embeds `self`.
    pub(crate) fn refcount(&self) -> &AtomicU64 {
        &self.refcount
    }

    /// Returns a pointer to the count of the request that embeds the pointee
    /// of `this`.
    ///
    /// # Safety
    ///
    /// - `this` must point to a live allocation of at least the size of `Self`.
    pub(crate) unsafe fn refcount_ptr(this: *mut Self) -> *mut AtomicU64 {
        // SAFETY: By the safety requirements of this function, projecting to
        // the field stays inside a live allocation.
        unsafe { addr_of_mut!((*this).refcount) }
    }
}

// SAFETY: A `Request` may move between threads: it has no `&mut self`
// methods, and its `&self` methods that change state do so atomically.
unsafe impl<T: Operations> Send for Request<T> {}

// SAFETY: A `Request` may be shared between threads: its `&self` methods that
// change state do so atomically.
unsafe impl<T: Operations> Sync for Request<T> {}

/// Replaces `target` with `op(target)` and returns the new value.
fn atomic_relaxed_op_return(target: &AtomicU64, op: impl Fn(u64) -> u64) -> u64 {
    #[allow(deprecated)]
    let old = target.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(op(x)));

    // SAFETY: The closure above never returns `None`, so `fetch_update`
    // always returns `Ok`.
    let old = unsafe { old.unwrap_unchecked() };

    op(old)
}

/// Replaces `target` with `op(target)` unless it equals `pred`; returns
/// whether it did.
fn atomic_relaxed_op_unless(target: &AtomicU64, op: impl Fn(u64) -> u64, pred: u64) -> bool {
    #[allow(deprecated)]
    target
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| {
            if x == pred {
                None
            } else {
                Some(op(x))
            }
        })
        .is_ok()
}

// SAFETY: Every `Request<T>` is reference counted. Each increment below keeps
// the request in memory at least until the matching decrement.
unsafe impl<T: Operations> AlwaysRefCounted for Request<T> {
    fn inc_ref(&self) {
        let refcount = &self.wrapper_ref().refcount();

        #[cfg_attr(not(CONFIG_DEBUG_MISC), allow(unused_variables))]
        let updated = atomic_relaxed_op_unless(refcount, |x| x + 1, 0);

        #[cfg(CONFIG_DEBUG_MISC)]
        if !updated {
            panic!("Request refcount zero on clone")
        }
    }

    unsafe fn dec_ref(obj: core::ptr::NonNull<Self>) {
        // SAFETY: The type invariants of `ARef` make `obj` valid for reads.
        let wrapper_ptr = unsafe { Self::wrapper_ptr(obj.as_ptr()).as_ptr() };
        // SAFETY: By the type invariants of `Request`, the private data area
        // is initialized and valid.
        let refcount = unsafe { &*RequestDataWrapper::refcount_ptr(wrapper_ptr) };

        #[cfg_attr(not(CONFIG_DEBUG_MISC), allow(unused_variables))]
        let new_refcount = atomic_relaxed_op_return(refcount, |x| x - 1);

        #[cfg(CONFIG_DEBUG_MISC)]
        if new_refcount == 0 {
            panic!("Request reached refcount zero in Rust abstractions");
        }
    }
}

"""#,
        "rust/tag_set.rs.stencil": #"""
// SPDX-License-Identifier: GPL-2.0

// {{ ctx.notice }}

//! [`TagSet`], the Rust owner of a C `struct blk_mq_tag_set`.
//!
//! C header: [`include/linux/blk-mq.h`](srctree/include/linux/blk-mq.h)

use core::pin::Pin;

use crate::{
    bindings,
    block::mq::{operations::OperationsVTable, request::RequestDataWrapper, Operations},
    error,
{% era pinInitCrate tag_set.prelude_imports %}
    types::Opaque,
};
use core::{convert::TryInto, marker::PhantomData};
{% era pinInitCrate tag_set.pin_imports %}

/// The hardware queues of a driver and the requests preallocated for them:
/// a wrapper for the C `struct blk_mq_tag_set`.
///
/// The C struct holds a `struct list_head`, so it must not move: it is pinned.
///
/// # Invariants
///
/// - `inner` is initialized and valid.
#[pin_data(PinnedDrop)]
#[repr(transparent)]
pub struct TagSet<T: Operations> {
    #[pin]
    inner: Opaque<bindings::blk_mq_tag_set>,
    _p: PhantomData<T>,
}

impl<T: Operations> TagSet<T> {
    /// Allocates a tag set of `nr_hw_queues` queues of `num_tags` requests
    /// each, with `num_maps` queue maps.
    pub fn new(
        nr_hw_queues: u32,
        num_tags: u32,
        num_maps: u32,
    ) -> impl PinInit<Self, error::Error> {
        // SAFETY: `blk_mq_tag_set` holds only integers and pointers, for which
        // zero is a valid value.
        let tag_set: bindings::blk_mq_tag_set = unsafe { core::mem::zeroed() };
        let tag_set = core::mem::size_of::<RequestDataWrapper>()
            .try_into()
            .map(|cmd_size| {
                bindings::blk_mq_tag_set {
                    ops: OperationsVTable::<T>::build(),
                    nr_hw_queues,
                    timeout: 0, // 0 selects the block layer's default timeout
                    numa_node: bindings::NUMA_NO_NODE,
                    queue_depth: num_tags,
                    cmd_size,
                    flags: {{ "bindings::BLK_MQ_F_SHOULD_MERGE" if ctx.hasShouldMergeFlag else "0" }},
                    driver_data: core::ptr::null_mut::<{{ ctx.ffi }}::c_void>(),
                    nr_maps: num_maps,
                    ..tag_set
                }
            });

{% era pinInitCrate tag_set.pin_chain %}
                // SAFETY: `tag_set` is not moved out of.
{% era pinInitCrate tag_set.tag_set_reference %}
                // SAFETY: `tag_set` refers to an initialized `blk_mq_tag_set`.
                error::to_result(unsafe { bindings::blk_mq_alloc_tag_set(tag_set.get()) })
            }),
            _p: PhantomData,
        })
    }

    /// Returns the pointer to the wrapped `struct blk_mq_tag_set`.
    pub(crate) fn raw_tag_set(&self) -> *mut bindings::blk_mq_tag_set {
        self.inner.get()
    }
}

#[pinned_drop]
impl<T: Operations> PinnedDrop for TagSet<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariants, `inner` is valid and was initialized
        // when the tag set was made.
        unsafe { bindings::blk_mq_free_tag_set(self.inner.get()) };
    }
}

"""#,
        "swift/BlkMqOps.swift.stencil": #"""
// SPDX-License-Identifier: GPL-2.0
// {{ ctx.notice }}
//
// The `struct blk_mq_ops` members and `blk_status_t` values of Linux {{ ctx.kernel }},
// which the model's block layer compiles against.

/// The members of `struct blk_mq_ops` ({{ ctx.header }}), in header order.
public enum BlkMqOpsMember: String, CaseIterable, Sendable {
{% for member in ctx.members %}
    case {{ member.swiftName }} = "{{ member.name }}"
{% endfor %}
}

/// The table the model's block layer dispatches through: one slot for each
/// `blk_mq_ops` member the model calls, filled from an `Operations` driver.
/// Every other member is in `unsupported`, with the reason.
struct BlkMqOps<Driver: Operations>: Sendable {
{% for member in ctx.dispatched %}
    /// `{{ member.name }}`: {{ member.summary }}
    var {{ member.swiftName }}: {{ member.slot }}
{% endfor %}

    /// The members with a slot, in header order.
    static var dispatched: [BlkMqOpsMember] {
        [{{ ctx.dispatchedList }}]
    }

    /// The members the model does not dispatch, and why.
    static var unsupported: [BlkMqOpsMember: String] {
        [
{% for member in ctx.unsupported %}
            .{{ member.swiftName }}: "{{ member.reason }}",
{% endfor %}
        ]
    }
}

/// A `blk_status_t` of Linux {{ ctx.kernel }}.
public struct BlkStatus: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

{% for code in ctx.status %}
    /// `{{ code.name }}`
    public static let {{ code.swiftName }} = BlkStatus(rawValue: {{ code.value }})
{% endfor %}

    /// Every status this kernel defines, with its C name.
    public static let names: [BlkStatus: String] = [
{% for code in ctx.status %}
        .{{ code.swiftName }}: "{{ code.name }}",
{% endfor %}
    ]
}

"""#,
    ]
}
