/* SPDX-License-Identifier: GPL-2.0 */
/* mqgen test fixture: Kconfig symbols and the IS_ENABLED() family. */
#ifndef _FIXTURE_KCONFIG_H
#define _FIXTURE_KCONFIG_H

#include <generated/autoconf.h>

/* A symbol set to 1 expands the placeholder to "0," which shifts 1 into the second argument. */
#define __ARG_PLACEHOLDER_1 0,
#define __second_arg(ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __second_arg(arg1_or_junk 1, 0)

#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))

#endif
