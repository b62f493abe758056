#!/usr/bin/env bash
# A throw-away OpenLDAP server for the directory sign-in tests (issue #20
# item 5): Debian's slapd with its OWN configuration (slapd -f), data and
# certificates under DIR, listening on 127.0.0.1:PORT, requiring TLS
# (StartTLS) for every operation, loaded with the users and groups of
# DIR/../ or the built-in LDIF below. Prints the slapd PID on stdout; the
# caller kills it.
#
#   scripts/ldap-test-server.sh DIR PORT
#
# Suffix dc=xinfang,dc=test; service account cn=reader,dc=xinfang,dc=test
# (password reader-pass-2026); users under ou=people (uid), groups
# (groupOfNames) under ou=groups. The CA the client must trust: DIR/ca.pem.
set -euo pipefail
dir=$1
port=$2
if ! command -v slapd >/dev/null && [ ! -x /usr/sbin/slapd ]; then
  echo "slapd missing: DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils" >&2
  exit 2
fi
PATH=$PATH:/usr/sbin
mkdir -p "$dir/data"
cd "$dir"
# A CA and the server's certificate for 127.0.0.1 / localhost.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=xinfang LDAP test CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
  -extfile ext.cnf -out server.pem 2>/dev/null
chmod 600 server.key
cat > slapd.conf <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $dir/slapd.pid
TLSCACertificateFile $dir/ca.pem
TLSCertificateFile $dir/server.pem
TLSCertificateKeyFile $dir/server.key
# Every operation, binds included, only over TLS (StartTLS on ldap://).
security tls=1
database mdb
maxsize 10485760
suffix "dc=xinfang,dc=test"
rootdn "cn=admin,dc=xinfang,dc=test"
rootpw admin-pass-2026
directory $dir/data
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="cn=reader,dc=xinfang,dc=test" read
  by self read
  by * none
CONF
cat > users.ldif <<'LDIF'
dn: dc=xinfang,dc=test
objectClass: dcObject
objectClass: organization
o: xinfang test
dc: xinfang

dn: cn=reader,dc=xinfang,dc=test
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: reader-pass-2026

dn: ou=people,dc=xinfang,dc=test
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=xinfang,dc=test
objectClass: organizationalUnit
ou: groups

dn: uid=wangfang,ou=people,dc=xinfang,dc=test
objectClass: inetOrgPerson
uid: wangfang
cn: 王芳
sn: 王
displayName: 王芳
userPassword: Directory-pass-1

dn: uid=lisi,ou=people,dc=xinfang,dc=test
objectClass: inetOrgPerson
uid: lisi
cn: 李四
sn: 李
displayName: 李四
userPassword: Directory-pass-2

dn: uid=zhaoliu,ou=people,dc=xinfang,dc=test
objectClass: inetOrgPerson
uid: zhaoliu
cn: 赵六
sn: 赵
userPassword: Directory-pass-3

dn: cn=xfj-registrars,ou=groups,dc=xinfang,dc=test
objectClass: groupOfNames
cn: xfj-registrars
member: uid=wangfang,ou=people,dc=xinfang,dc=test

dn: cn=county-leaders,ou=groups,dc=xinfang,dc=test
objectClass: groupOfNames
cn: county-leaders
member: uid=lisi,ou=people,dc=xinfang,dc=test

dn: cn=canteen,ou=groups,dc=xinfang,dc=test
objectClass: groupOfNames
cn: canteen
member: uid=zhaoliu,ou=people,dc=xinfang,dc=test
LDIF
slapadd -f slapd.conf -l users.ldif >/dev/null 2>slapadd.log
slapd -f slapd.conf -h "ldap://127.0.0.1:$port/" 2>slapd.log
for _ in $(seq 1 50); do
  [ -s slapd.pid ] && break
  sleep 0.1
done
cat slapd.pid
