"""Boosted peer for the conflict model.

Fits scikit-learn's HistGradientBoostingClassifier on exactly the features, labels and
time-ordered split that `ecograph train conflict --export-features F.csv` wrote, and prints the
same held-out metrics ecograph prints (ROC AUC, PR AUC, Brier, ECE over 10 bins, precision and
recall at the `high` threshold), for the peer and for ecograph's rules-only probability.

    python3 -m venv .venv && .venv/bin/pip install scikit-learn pandas
    .venv/bin/python benches/peers/conflict_hgb.py F.csv [--high 0.5] [--score G.csv ...]

`--score G.csv` also scores the peer fitted on F's training part on G's held-out part (another
store's export): the out-of-sample peer for a committed default trained on F's stores.

CI does not run it.
"""

import argparse

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score


def ece(p, y, bins=10):
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += abs(p[m].sum() - y[m].sum())
    return total / len(p)


def report(name, p, y, high):
    flagged = p >= high
    hits = (flagged & (y == 1)).sum()
    precision = hits / flagged.sum() if flagged.any() else 0.0
    recall = hits / (y == 1).sum() if (y == 1).any() else 0.0
    print(
        f"{name:<22} {roc_auc_score(y, p):>8.4f} {average_precision_score(y, p):>8.4f} "
        f"{brier_score_loss(y, p):>8.4f} {ece(p, y):>8.4f} {precision:>10.4f} {recall:>8.4f}"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("--high", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--score", action="append", default=[], help="another export to score (its test part)")
    a = ap.parse_args()
    df = pd.read_csv(a.features)
    cols = [c for c in df.columns if c not in ("id", "registered_at", "split", "disputed", "rules_probability")]
    train, test = df[df.split == "train"], df[df.split == "test"]
    # Defaults, with early stopping on a slice of the training part only: nothing reads the test part.
    model = HistGradientBoostingClassifier(random_state=a.seed, early_stopping=True)
    model.fit(train[cols].to_numpy(), train.disputed.to_numpy())
    p = model.predict_proba(test[cols].to_numpy())[:, 1]
    y = test.disputed.to_numpy()
    print(f"train {len(train)}  test {len(test)}  disputed in test {int(y.sum())}")
    print(f"{'held-out':<22} {'ROC AUC':>8} {'PR AUC':>8} {'Brier':>8} {'ECE':>8} {'P@high':>10} {'R@high':>8}")
    report("HistGradientBoosting", p, y, a.high)
    report("rules only", test.rules_probability.to_numpy(), y, a.high)
    for other in a.score:
        o = pd.read_csv(other)
        o = o[o.split == "test"]
        print(f"{other}: test {len(o)}  disputed {int(o.disputed.sum())}")
        report("HistGradientBoosting", model.predict_proba(o[cols].to_numpy())[:, 1], o.disputed.to_numpy(), a.high)
        report("rules only", o.rules_probability.to_numpy(), o.disputed.to_numpy(), a.high)


if __name__ == "__main__":
    main()
