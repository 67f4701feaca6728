#!/usr/bin/env bash
# The digest interop tests run a private Apache httpd (mod_auth_digest) on 127.0.0.1.
# Install Debian's apache2 when it is missing; it never auto-starts here (policy-rc.d), and the
# tests start and stop their own instance with their own config.
set -euo pipefail
if command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "apache2 is missing: install it with 'sudo apt-get install -y apache2' (needed by the digest interop tests)" >&2
  exit 1
fi
echo "== installing apache2 (digest interop tests)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2 >/dev/null
