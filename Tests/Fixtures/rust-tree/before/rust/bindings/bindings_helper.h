/* SPDX-License-Identifier: GPL-2.0 */
/* Fixture: the headers bindgen reads, sorted, without the block layer's. */

#include <kunit/test.h>
#include <linux/errname.h>
#include <linux/slab.h>

const size_t RUST_CONST_HELPER_PAGE_SIZE = PAGE_SIZE;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;
