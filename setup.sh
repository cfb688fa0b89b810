#!/usr/bin/env bash
# Sets up, builds and checks asched on Debian bookworm. Run it from a clone, as root or as a user with sudo.
#
#   ./setup.sh demo   installs the missing Debian packages, builds Release in build/release, runs the main example
#                     (examples/demo.cpp) for 10 seconds
#   ./setup.sh test   installs the missing Debian packages, then runs every check: the Release build and its tests,
#                     the AddressSanitizer + UndefinedBehaviorSanitizer build and its tests, the callgrind check of
#                     instructions per run and per fire time, the Doxygen check, the clang-format check and the
#                     libFuzzer targets (fuzz/run, FUZZ_SECONDS each, default 60). Exits non-zero if any fails.
#
# Running it again is cheap: installed packages are skipped and the builds are incremental (ccache, Ninja).
set -euo pipefail

# Debian packages asched needs: the one list, so a feature that needs another package adds it here
PACKAGES=(
    build-essential cmake ninja-build ccache pkg-config
    libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
    libhowardhinnant-date-dev tzdata libsqlite3-dev
    libpq-dev postgresql
    doxygen clang-format valgrind
    clang libclang-rt-14-dev
)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RELEASE_DIR="$ROOT/build/release"
SANITIZE_DIR="$ROOT/build/sanitize"
DOCS_DIR="$ROOT/build/docs"
JOBS=$(nproc 2>/dev/null || echo 2)
# ccache keys on paths relative to the clone, so a fresh clone (as in CI) reuses what an earlier one compiled
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"

say() { printf '==> %s\n' "$*"; }
die() {
    printf 'setup.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<'EOF'
usage: ./setup.sh demo | test
  demo   install what is missing, build Release (build/release), run the main example for 10 s (DEMO_DURATION)
  test   install what is missing, then build and run every test: Release, ASan/UBSan, callgrind, Doxygen, format, fuzz
EOF
    exit 2
}

# Runs a command as root: directly when we are root, else through sudo
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "installing packages needs root: run this script as root, or install sudo"
    fi
}

install_packages() {
    command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script installs Debian packages"
    local missing=() package
    for package in "${PACKAGES[@]}"; do
        if [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true) != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "all ${#PACKAGES[@]} Debian packages are installed"
        return
    fi
    say "installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure DIR CMAKE_ARGS...: Ninja for a new build directory; an existing one keeps its generator
configure() {
    local dir=$1
    shift
    local generator=()
    [[ -f "$dir/CMakeCache.txt" ]] || generator=(-G Ninja)
    say "configuring ${dir#"$ROOT"/}: $*"
    cmake -S "$ROOT" -B "$dir" "${generator[@]}" "$@"
}

build() {
    say "building ${1#"$ROOT"/}"
    cmake --build "$1" --parallel "$JOBS"
}

run_ctest() {
    say "running the tests in ${1#"$ROOT"/}"
    ctest --test-dir "$1" --output-on-failure --no-tests=error -j "$JOBS"
}

# Everything on, whatever an earlier configure of the same directory chose
ALL_TARGETS=(-DASCHED_BUILD_TESTS=ON -DASCHED_BUILD_EXAMPLES=ON -DASCHED_BUILD_TOOLS=ON -DASCHED_WERROR=ON)

configure_release() {
    # The benchmarks too: the instruction-count check runs them under callgrind, with bench/run's own flags
    configure "$RELEASE_DIR" -DCMAKE_BUILD_TYPE=Release "${ALL_TARGETS[@]}" -DASCHED_SANITIZE=OFF \
        -DASCHED_BUILD_BENCH=ON
}

# The main example: what `./setup.sh demo` shows. examples/demo.cpp keeps its jobs in asched-demo.sqlite in the build
# tree, so a second `./setup.sh demo` finds the jobs of the first. DEMO_DURATION (seconds, default 10) ends it; Ctrl+C
# ends it sooner, cleanly.
run_main_example() {
    local demo="$RELEASE_DIR/example_demo" duration=${DEMO_DURATION:-10}
    [[ -x "$demo" ]] || die "$demo was not built"
    say "running: example_demo --duration $duration (in ${RELEASE_DIR#"$ROOT"/}; press Ctrl+C to stop it sooner)"
    (cd "$RELEASE_DIR" && "$demo" --duration "$duration")
}

# ---- the checks of `./setup.sh test`, each run by run_check ---------------------------------------------------------

check_release() {
    configure_release
    build "$RELEASE_DIR"
    run_ctest "$RELEASE_DIR"
}

check_sanitize() {
    # -O1: the sanitized tests run several times faster than at -O0, and still report exact lines
    configure "$SANITIZE_DIR" -DCMAKE_BUILD_TYPE=Debug '-DCMAKE_CXX_FLAGS_DEBUG=-g -O1' "${ALL_TARGETS[@]}" \
        -DASCHED_SANITIZE=ON
    build "$SANITIZE_DIR"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest "$SANITIZE_DIR"
}

check_instructions() {
    # Instructions per fired run and per next fire time, counted by callgrind (exact, unlike a timer on a shared
    # machine), against the figures recorded in bench/instructions.txt: more than 20 % growth fails
    configure_release
    build "$RELEASE_DIR"
    "$ROOT/bench/callgrind_check" "$RELEASE_DIR"
}

check_doxygen() {
    # The Doxyfile fails on any warning (WARN_AS_ERROR = FAIL_ON_WARNINGS); doxygen creates one directory level only
    say "doxygen: documenting include/asched into ${DOCS_DIR#"$ROOT"/}/html"
    mkdir -p "$DOCS_DIR"
    (cd "$ROOT" && doxygen Doxyfile)
    say "doxygen: no warnings"
}

check_format() {
    local files=()
    # -c safe.directory: under sudo, git would otherwise refuse a clone that another user owns
    if git -c safe.directory="$ROOT" -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t files < <(git -c safe.directory="$ROOT" -C "$ROOT" ls-files -- '*.hpp' '*.cpp')
    else
        mapfile -t files < <(cd "$ROOT" && find . -path ./build -prune -o -type f \( -name '*.[hc]pp' \) -print)
    fi
    local existing=() file
    for file in "${files[@]}"; do
        [[ -f "$ROOT/$file" ]] && existing+=("$file")
    done
    say "clang-format: checking ${#existing[@]} files against .clang-format"
    [[ ${#existing[@]} -eq 0 ]] && return
    (cd "$ROOT" && clang-format --dry-run --Werror "${existing[@]}")
    say "clang-format: all files are formatted"
}

check_fuzz() {
    # The libFuzzer targets (clang, ASan + UBSan) in build/fuzz: each replays its seeds in fuzz/corpus, then fuzzes
    # for FUZZ_SECONDS (default 60) seconds; a crash, a sanitizer report or a failed property fails the check
    "$ROOT/fuzz/run" "${FUZZ_SECONDS:-60}"
}

# run_check NAME FUNCTION: runs FUNCTION in a subshell with errexit, records whether it passed, and carries on
RESULTS=()
FAILED=()
run_check() {
    local name=$1 function=$2 start=$SECONDS status
    say "check: $name"
    set +e
    (
        set -e
        "$function"
    )
    status=$?
    set -e
    if [[ $status -eq 0 ]]; then
        RESULTS+=("$name: passed ($((SECONDS - start)) s)")
    else
        RESULTS+=("$name: FAILED ($((SECONDS - start)) s)")
        FAILED+=("$name")
    fi
}

main() {
    [[ $# -eq 1 ]] || usage
    case $1 in
    demo)
        install_packages
        configure_release
        build "$RELEASE_DIR"
        run_main_example
        say "demo done"
        ;;
    test)
        install_packages
        run_check "release build and tests" check_release
        run_check "ASan/UBSan build and tests" check_sanitize
        run_check "instruction counts (callgrind)" check_instructions
        run_check "doxygen" check_doxygen
        run_check "clang-format" check_format
        run_check "fuzz targets (libFuzzer, $((5 * ${FUZZ_SECONDS:-60})) s)" check_fuzz
        local line
        say "summary:"
        for line in "${RESULTS[@]}"; do
            printf '    %s\n' "$line"
        done
        if [[ ${#FAILED[@]} -eq 0 ]]; then
            say "setup.sh test: PASSED, all ${#RESULTS[@]} checks"
        else
            local failed
            printf -v failed '%s, ' "${FAILED[@]}"
            say "setup.sh test: FAILED: ${failed%, }"
            exit 1
        fi
        ;;
    *) usage ;;
    esac
}

main "$@"
