#!/usr/bin/env bash
# The one command that runs the whole test suite: every test on SQLite, and
# on PostgreSQL (a local server is started if it is down).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${XINFANG_TEST_PG_URL:-}" ]; then
  XINFANG_TEST_PG_URL=$(scripts/pg-up.sh || true)
  export XINFANG_TEST_PG_URL
fi
if [ -n "${XINFANG_TEST_PG_URL}" ]; then
  echo "tests: SQLite and PostgreSQL (${XINFANG_TEST_PG_URL})"
else
  echo "tests: SQLite only (no PostgreSQL on this machine)"
fi
# The failover test (crates/xinfang/tests/it/failover.rs) runs a
# pg_auto_failover cluster through scripts/pg-cluster.sh (ports 5500+).
if [ -n "${XINFANG_TEST_PG_URL}" ] && ! command -v pg_autoctl >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover >/dev/null; }
fi
# The document PDF tests read the PDFs with poppler's pdfinfo/pdffonts/pdftotext.
if ! command -v pdftotext >/dev/null || ! command -v pdffonts >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
# The notification tests talk to a real SMTP server (aiosmtpd from PyPI)
# over STARTTLS with a certificate made by openssl.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install -q aiosmtpd
fi
if ! command -v openssl >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi
# The directory sign-in tests start their own slapd (scripts/ldap-test-server.sh)
# and check with ldapsearch that it refuses binds in clear. Debian's slapd
# postinst does not start a system server here (no init), and the tests
# never use one.
if [ ! -x /usr/sbin/slapd ] || ! command -v ldapsearch >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
fi
# The event tests publish to a real RabbitMQ (127.0.0.1:5672, guest/guest)
# and restart it mid-stream with rabbitmqctl; start it if it is down, and
# its application if a killed test left it stopped.
if ! command -v rabbitmqctl >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  service rabbitmq-server start >/dev/null 2>&1 || /etc/init.d/rabbitmq-server start
fi
rabbitmqctl -q start_app >/dev/null 2>&1 || true
rabbitmqctl -q await_startup >/dev/null 2>&1 || true
if [ "${XINFANG_SKIP_BROWSER:-}" != "1" ]; then
  scripts/install-browser.sh
fi
cargo test --workspace "$@"
