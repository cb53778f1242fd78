#!/usr/bin/env bash
# Writes every output a reader of a ledger gets into one folder, so that two builds can be
# compared byte for byte (`diff -r`): each report in each format and language, log in both
# forms, verify, checkpoint and types. A refactor must leave the folder unchanged.
#
#   [ENGAGEMENTS="forum-2 forum-3"] [CONTESTS="photo-2 quiz-2"] Scripts/report_bytes.sh LEDGERCTL DIR OUT
#
# ENGAGEMENTS and CONTESTS add the reports of one engagement or contest each (a ledger with
# several needs them: the reports of the whole ledger then ask which one).
# DIR is copied first, so that saved states start the same for both builds.
set -euo pipefail
ledgerctl=$1 dir=$2 out=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$dir" "$work/ledger"
rm -rf "$work/ledger/index" "$out"
mkdir -p "$out"
run() { local name=$1; shift; "$ledgerctl" --dir "$work/ledger" "$@" >"$out/$name" 2>"$out/$name.err" || echo "exit $?" >>"$out/$name.err"; }
for lang in en kk ru; do
  for format in table json csv md html; do
    for report in attendees standings proposals impact; do
      run "report-$report-$lang.$format" report "$report" --format "$format" --lang "$lang"
    done
  done
  run "report-impact-$lang.iati" report impact --format iati --lang "$lang"
  for period in project year quarter month; do
    run "report-impact-$period-$lang.json" report impact --period "$period" --format json --lang "$lang"
  done
  for engagement in ${ENGAGEMENTS:-}; do
    for format in table json csv html; do
      run "report-attendees-$engagement-$lang.$format" report attendees --engagement "$engagement" --format "$format" --lang "$lang"
      run "report-proposals-$engagement-$lang.$format" report proposals --engagement "$engagement" --format "$format" --lang "$lang"
    done
    run "report-impact-$engagement-$lang.json" report impact --engagement "$engagement" --format json --lang "$lang"
  done
  for contest in ${CONTESTS:-}; do
    for format in table json csv html; do
      run "report-standings-$contest-$lang.$format" report standings --contest "$contest" --format "$format" --lang "$lang"
    done
  done
done
run report-impact-fresh.json report impact --fresh --format json
run report-impact-again.json report impact --format json
run report-impact-asof.json report impact --as-of 2017-12-31T23:59:59+06:00 --format json
run log.txt log
run log.jsonl log --json
run log-rsvp.txt log --type rsvp. --since 100 --limit 500
run verify.txt verify
run checkpoint.txt checkpoint
run types.txt types
run types.json types --json
