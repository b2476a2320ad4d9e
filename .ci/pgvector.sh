#!/usr/bin/env bash
# Build and install the pgvector extension into the local PostgreSQL server (issue 15).
#
# Debian bookworm ships no postgresql-15-pgvector, but Debian's own *source* package (trixie) builds
# against PostgreSQL 15 in seconds. Idempotent: does nothing when vector.control is already installed.
# Needs root (apt + writing into PostgreSQL's lib and share dirs). Fetches from deb.debian.org only,
# through an apt configuration kept under $work: /etc/apt is never changed.
set -euo pipefail

pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
work=${PGVECTOR_BUILD_DIR:-/tmp/learn-pgvector-build}

if [ -x "$pg_config" ] && [ -f "$("$pg_config" --sharedir)/extension/vector.control" ]; then
  echo "pgvector: already installed in $("$pg_config" --sharedir)/extension"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive

# Server headers (PGXS) for the installed major version.
major=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
if [ ! -f "$("$pg_config" --includedir-server)/postgres.h" ]; then
  apt-get update -qq && apt-get install -y -qq "postgresql-server-dev-$major" >/dev/null
fi

# Debian's source package, through an isolated apt configuration.
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian trixie main" >"$work/apt/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/apt/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" -o "APT::Get::List-Cleanup=0")
cd "$work/src"
if ! ls pgvector_*.orig.tar.* >/dev/null 2>&1; then
  apt-get "${apt_opts[@]}" update -qq
  apt-get "${apt_opts[@]}" source --download-only -qq pgvector
fi
tarball=$(ls pgvector_*.orig.tar.* | sort -V | tail -n 1)
rm -rf build && mkdir build && tar xf "$tarball" -C build --strip-components=1
cd build
# OPTFLAGS="" drops -march=native, so the library runs on any x86-64 CPU the server moves to.
make -s PG_CONFIG="$pg_config" OPTFLAGS="" -j"$(nproc)"
make -s PG_CONFIG="$pg_config" install
echo "pgvector: installed $(sed -n "s/^default_version = '\(.*\)'/\1/p" vector.control) for PostgreSQL $major"
