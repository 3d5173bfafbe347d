#!/usr/bin/env bash
# Ensure the system packages Mitra's test suite needs are present:
#   chromium             -> browser for the Playwright e2e tests (/usr/bin/chromium)
#   postgresql           -> initdb/pg_ctl for scripts/with-postgres.sh
#   libharfbuzz-subset0  -> font subsetting for PDF export
#   gettext              -> msgfmt for compiling translations
#   fonts-dejavu-core    -> fonts for PDF/browser rendering (installed alongside; only warned about)
# Quiet when everything is present. Installs missing packages when running as
# root on Debian; otherwise prints what is missing and exits 1.
set -euo pipefail

have_chromium() { [ -x /usr/bin/chromium ]; }

have_postgres() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            return 0
        fi
    done
    return 1
}

have_harfbuzz_subset() {
    if command -v dpkg >/dev/null 2>&1 \
        && dpkg -s libharfbuzz-subset0 2>/dev/null | grep -q '^Status: install ok installed'; then
        return 0
    fi
    { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -q 'libharfbuzz-subset'
}

have_msgfmt() { command -v msgfmt >/dev/null 2>&1; }

# WeasyPrint (PDF reports) loads Pango through ctypes.
have_pango() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -q "libpangoft2-1.0"; }

have_fonts() {
    command -v dpkg >/dev/null 2>&1 \
        && dpkg -s fonts-dejavu-core 2>/dev/null | grep -q '^Status: install ok installed'
}

missing=()
have_chromium || missing+=(chromium)
have_postgres || missing+=(postgresql)
have_harfbuzz_subset || missing+=(libharfbuzz-subset0)
have_msgfmt || missing+=(gettext)
have_pango || missing+=(libpango-1.0-0 libpangoft2-1.0-0)

can_apt=0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && [ -f /etc/debian_version ]; then
    can_apt=1
fi

# Fonts are nice to have: install them with the rest, warn otherwise.
if ! have_fonts; then
    if [ "${#missing[@]}" -gt 0 ] && [ "$can_apt" -eq 1 ]; then
        missing+=(fonts-dejavu-core)
    elif command -v dpkg >/dev/null 2>&1; then
        echo "ensure-system-deps: warning: fonts-dejavu-core is not installed (recommended)." >&2
    fi
fi

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$can_apt" -eq 1 ]; then
    echo "ensure-system-deps: installing missing packages: ${missing[*]}" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    # Re-check so a broken install is reported rather than surfacing later.
    still=()
    have_chromium || still+=(chromium)
    have_postgres || still+=(postgresql)
    have_harfbuzz_subset || still+=(libharfbuzz-subset0)
    have_msgfmt || still+=(gettext)
    have_pango || still+=(libpango-1.0-0 libpangoft2-1.0-0)
    if [ "${#still[@]}" -gt 0 ]; then
        echo "ensure-system-deps: still missing after apt-get install: ${still[*]}" >&2
        exit 1
    fi
    exit 0
fi

cat >&2 <<MSG
ensure-system-deps: missing system packages: ${missing[*]}

Mitra's test suite needs:
  - chromium             (/usr/bin/chromium, for the Playwright e2e tests)
  - postgresql           (/usr/lib/postgresql/*/bin/initdb and pg_ctl)
  - libharfbuzz-subset0  (HarfBuzz subsetting library)
  - gettext              (msgfmt)

On Debian/Ubuntu install them as root with:
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}
MSG
exit 1
