#!/usr/bin/env python3
"""Precision, recall and F1 of a pairs.csv written by `ecograph match` against a truth.csv
(left_id,right_id). Rows with status `match` count as predictions; `ambiguous` rows are reported
apart. Usage: python3 tools/score_pairs.py PAIRS TRUTH"""
import csv
import sys


def main():
    pairs, truth = sys.argv[1], sys.argv[2]
    with open(truth, newline="") as fh:
        t = {(r["left_id"], r["right_id"]) for r in csv.DictReader(fh)}
    pred, ambiguous = set(), set()
    with open(pairs, newline="") as fh:
        for r in csv.DictReader(fh):
            p = (r["left_id"], r["right_id"])
            status = r.get("status", "match")
            if status == "match":
                pred.add(p)
            elif status == "ambiguous":
                ambiguous.add(r["right_id"])
    tp = len(pred & t)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(t) if t else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"matches {len(pred)}, true {len(t)}, right {tp}: precision {p:.4f} recall {r:.4f} "
          f"F1 {f1:.4f}; ambiguous right records {len(ambiguous)}")


if __name__ == "__main__":
    main()
