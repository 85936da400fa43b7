// The clang-c API of Debian's libclang-<v>-dev. The include path
// (/usr/lib/llvm-<v>/include) is passed by the targets that import CClang,
// and the Clang target links libclang-<v> (Package.swift names the version).
#include <clang-c/Index.h>
