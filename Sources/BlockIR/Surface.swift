/// What a header scan extracts: the structs, functions and constant families
/// the generated code depends on. Kept as data so that the parser and the
/// renderer agree on one list.
public enum APISurface {
    /// The block layer's headers, relative to the source tree.
    public static let blkMqHeader = "include/linux/blk-mq.h"
    public static let blkdevHeader = "include/linux/blkdev.h"
    public static let blkTypesHeader = "include/linux/blk_types.h"

    /// The headers mqgen parses, in the order it includes them (they
    /// include `blk_types.h` themselves); a tree is a kernel tree when it
    /// has both, and every generated file names them as its source.
    public static let parsedHeaders = [blkMqHeader, blkdevHeader]

    /// `headers` as `#include <...>` spells them: `linux/blk-mq.h`.
    public static func includeNames(_ headers: [String]) -> [String] {
        headers.map { $0.hasPrefix("include/") ? String($0.dropFirst("include/".count)) : $0 }
    }

    /// The structs and the header that must define each.
    public static let records: [(name: String, header: String)] = [
        ("blk_mq_ops", blkMqHeader),
        ("block_device_operations", blkdevHeader),
        ("blk_mq_tag_set", blkMqHeader),
        ("queue_limits", blkdevHeader),
    ]

    /// Structs read where the tree defines them: `mqgen diff` reports their
    /// changes; nothing is rendered from them yet.
    public static let optionalRecords: [(name: String, header: String)] = [
        ("blk_mq_queue_data", blkMqHeader),
    ]

    /// The structs the generated code initialises member by member (the
    /// `VTABLE` and the `block_device_operations` table).
    public static let opsTables = ["blk_mq_ops", "block_device_operations"]

    /// Functions the generated Rust calls. A missing required one is an
    /// error; an optional one lets the templates pick an older API.
    public static let requiredFunctions = [
        "blk_mq_rq_to_pdu", "blk_mq_rq_from_pdu",
        "blk_mq_start_request", "blk_mq_end_request",
        "blk_mq_alloc_tag_set", "blk_mq_free_tag_set",
        "__blk_mq_alloc_disk", "device_add_disk", "del_gendisk", "put_disk",
        "set_capacity",
        // The request accessors: where it starts, how long it is, what it does.
        "blk_rq_pos", "blk_rq_bytes", "blk_rq_sectors", "req_op",
        // The per-queue request timeout, which the disk builder sets.
        "blk_queue_rq_timeout",
    ]
    public static let optionalFunctions = [
        "blk_queue_logical_block_size", "blk_queue_physical_block_size", "blk_queue_flag_set",
        // Before 6.11 a disk's discard and write-zeroes limits are set on its
        // queue (and its cache with `blk_queue_write_cache`, a name 6.11
        // reuses for a static inline that asks instead).
        "blk_queue_max_discard_sectors", "blk_queue_max_write_zeroes_sectors",
    ]

    /// Constant families, by name prefix. A name belongs to the family of
    /// the longest prefix it has: `REQ_OP_MASK` is `REQ_OP_`'s, `REQ_FUA`
    /// `REQ_`'s (the request flags, as macros over `enum req_flag_bits`).
    public static let constantPrefixes = ["BLK_STS_", "BLK_MQ_F_", "QUEUE_FLAG_", "BLK_FEAT_", "REQ_OP_", "REQ_"]

    /// The family `name` belongs to: its index in `constantPrefixes`.
    public static func constantFamily(of name: String) -> Int? {
        constantPrefixes.indices.filter { name.hasPrefix(constantPrefixes[$0]) }
            .max { constantPrefixes[$0].count < constantPrefixes[$1].count }
    }

    /// Named enums the generated Rust renders as Rust enums or flag sets,
    /// and the header that must define each.
    public static let enums: [(name: String, header: String)] = [
        ("req_op", blkTypesHeader),
        ("req_flag_bits", blkTypesHeader),
        ("blk_eh_timer_return", blkMqHeader),
    ]

    /// Headers whose declarations, `#define`s and enums mqgen reads, in
    /// the order it reads them.
    public static let constantHeaders = [blkMqHeader, blkdevHeader, blkTypesHeader]
}
