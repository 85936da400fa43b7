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

#endif
