/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: status codes, as casts the way the kernel writes them. */
#ifndef _FIXTURE_BLK_TYPES_H
#define _FIXTURE_BLK_TYPES_H
#include <linux/types.h>

typedef u8 __bitwise blk_status_t;

#define BLK_STS_OK 0
#define BLK_STS_NOTSUPP		((__force blk_status_t)1)
#define BLK_STS_NOSPC		((__force blk_status_t)3)
#define BLK_STS_IOERR		((__force blk_status_t)10)
#ifdef CONFIG_MQGEN_OFF
/* Skipped by the preprocessor: must not be read as a constant. */
#define BLK_STS_SKIPPED		((__force blk_status_t)99)
#endif
#define BLK_STS_SPLIT \
	((__force blk_status_t)(1 << 4))
#define BLK_STS_FUNCTION_LIKE(x)	(x)

/* The operations and flags of a request, values as casts like the kernel's. */
typedef u32 __bitwise blk_opf_t;

#define REQ_OP_BITS 8
#define REQ_OP_MASK	(__force blk_opf_t)((1 << REQ_OP_BITS) - 1)

enum req_op {
	REQ_OP_READ		= (__force blk_opf_t)0,
	REQ_OP_WRITE		= (__force blk_opf_t)1,
	REQ_OP_FLUSH		= (__force blk_opf_t)2,
	REQ_OP_DISCARD		= (__force blk_opf_t)3,
	REQ_OP_WRITE_ZEROES	= (__force blk_opf_t)9,
	REQ_OP_LAST		= (__force blk_opf_t)36,
};

enum req_flag_bits {
	__REQ_SYNC = REQ_OP_BITS,
	__REQ_FUA,
	__REQ_PREFLUSH,
	__REQ_NR_BITS,
};

#define REQ_SYNC	(__force blk_opf_t)(1ULL << __REQ_SYNC)
#define REQ_FUA		(__force blk_opf_t)(1ULL << __REQ_FUA)
#define REQ_PREFLUSH	(__force blk_opf_t)(1ULL << __REQ_PREFLUSH)

#endif
