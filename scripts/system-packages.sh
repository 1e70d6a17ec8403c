#!/usr/bin/env bash
# Install the Debian packages the project needs, where we can (root with apt-get), and say
# plainly what is missing where we cannot. Usage: scripts/system-packages.sh PACKAGE...
set -u

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "NOTE: these Debian packages are missing: ${missing[*]}"
  echo "      install them with: sudo apt-get install ${missing[*]}"
  echo "      (libharfbuzz-subset0 makes certificates render about five times faster;"
  echo "       redis-server and chromium are needed only for the integration and browser tests)"
fi
exit 0
