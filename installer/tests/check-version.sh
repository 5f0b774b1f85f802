#!/usr/bin/env bash
# Checks that the release notes name the version being built: the newest entry of the Debian
# changelog and of the AppStream metainfo must be the project's version.
#     check-version.sh VERSION path/to/debian/changelog path/to/metainfo.xml
set -euo pipefail
version=$1 changelog=$2 metainfo=$3

failures=0
in_changelog=$(sed -n -E '1s/^aisim \(([^)]*)\).*/\1/p' "$changelog")
if [ "$in_changelog" != "$version" ]; then
    echo "FAIL: the newest entry of $changelog is '$in_changelog', not $version"
    failures=$((failures + 1))
fi
in_metainfo=$(grep -m1 -o '<release version="[^"]*"' "$metainfo" | cut -d'"' -f2)
if [ "$in_metainfo" != "$version" ]; then
    echo "FAIL: the newest release of $metainfo is '$in_metainfo', not $version"
    failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || exit 1
echo "the changelog and the metainfo describe $version"
