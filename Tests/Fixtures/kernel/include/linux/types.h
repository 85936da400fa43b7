/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: the few kernel types the block headers name. */
#ifndef _FIXTURE_TYPES_H
#define _FIXTURE_TYPES_H
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef _Bool bool;
typedef u64 sector_t;
typedef unsigned int blk_mode_t;
typedef unsigned int fmode_t;
typedef unsigned short umode_t;
#endif
