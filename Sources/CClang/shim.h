// The clang-c API of Debian's libclang-dev (clang 14). The include path
// (/usr/lib/llvm-14/include) is passed by the targets that import CClang.
#include <clang-c/Index.h>
