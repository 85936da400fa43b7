/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: the sparse annotations the block headers use. */
#ifndef _FIXTURE_COMPILER_TYPES_H
#define _FIXTURE_COMPILER_TYPES_H
#define __force
#define __bitwise
#define __must_check
#endif
