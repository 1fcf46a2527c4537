#!/bin/sh
# Every declaration of include/migcfg.h carries documentation (cbindgen copies the Rust doc
# comments): each #define, typedef, struct field, enum constant and function must follow a
# comment line. Prints what lacks one and fails.
#
#   scripts/check-header-docs.sh [HEADER]
set -eu
cd "$(dirname "$0")/.."
header=${1:-include/migcfg.h}
awk '
    function undocumented(what) { printf "%s:%d: undocumented %s\n", FILENAME, NR, what; bad = 1 }
    /^[ \t]*\/\/|^[ \t]*\/\*|^[ \t]*\*/ { prev_comment = 1; next }
    /^[ \t]*$/ { prev_comment = 0; next }
    # the include guard, system includes, extern "C" guards and the closing lines
    /^#(ifndef|endif|include|ifdef|else)/ || /^#define MIGCFG_H$/ || /^extern "C"|^}  \/\/ extern|^} *[A-Za-z]*;$/ {
        prev_comment = 0; next
    }
    # continuation lines of a multi-line function declaration
    cont { cont = ($0 !~ /;[ \t]*$/); next }
    {
        if (!prev_comment) undocumented($0)
        cont = ($0 ~ /\($/ || ($0 ~ /\(/ && $0 !~ /;[ \t]*$/ && $0 !~ /{[ \t]*$/))
        prev_comment = 0
    }
    END { exit bad }' "$header"
