#!/bin/sh
# A custom failover script (FailSafe): called with the run-time domain as arguments (also in
# $VIGIL_RUNTIME_DOMAIN), the group in $VIGIL_GROUP and the membership in $VIGIL_MEMBERSHIP.
# It prints the new run-time domain, one node per line. This one reverses the domain.
out=""
for node in "$@"; do out="$node $out"; done
for node in $out; do echo "$node"; done
