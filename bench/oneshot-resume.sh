#!/usr/bin/env bash
# A one-shot search killed with SIGKILL after its first epoch and rerun with --resume ends with the same alpha
# and genotype as an uninterrupted run (issue 14). Run from an empty directory after `npm run build`:
#   bash /path/to/nascent/bench/oneshot-resume.sh
set -u
CLI="$(dirname "$0")/../dist/src/cli/main.js"
ARGS="oneshot --method gdas --train-limit 512 --epochs 3 --channels 2 --cells 1 --eval-images 100 --seed 3 --json"
export NASCENT_THREADS=1
node "$CLI" $ARGS --storage sqlite:./a.db --checkpoint-dir ./a > a.out 2> a.err
node "$CLI" $ARGS --storage sqlite:./b.db --checkpoint-dir ./b > b1.out 2> b1.err &
PID=$!
until [ -f b/state.json ] && grep -q '"epochsDone":1' b/state.json; do sleep 0.2; done
kill -9 $PID; wait $PID; echo "killed with status $?"
node "$CLI" $ARGS --storage sqlite:./b.db --checkpoint-dir ./b --resume > b2.out 2> b2.err
cat a.out b2.out
python3 -c "
import json
a = json.load(open('a/state.json')); b = json.load(open('b/state.json'))
print('alpha identical:', a['alpha'] == b['alpha'], '| epochs', a['epochsDone'], b['epochsDone'])"
node "$CLI" trials --storage sqlite:./b.db --study oneshot-gdas-seed3
