/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: the kernel force-includes this file; nothing needed here. */
