// SPDX-License-Identifier: GPL-2.0
/* Fixture: the helpers list, sorted, without blk.c. */

#include "blk.c"
#include "bug.c"
#include "err.c"
