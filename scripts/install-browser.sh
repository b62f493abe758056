#!/usr/bin/env bash
# Install Debian's Chromium and ChromeDriver (and CJK fonts for screenshots)
# when missing. Needs root (CI and developer machines here run as root).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
