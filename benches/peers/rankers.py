"""Offline check of other rankers for partner recommendations (issue 15), on the candidates that
`examples/partner_rows.rs` writes from a store: is account recall@10 short of 1.05x plain resource
allocation for want of a non-linear model or of features, or for want of information?

    cargo run --release --example partner_rows -- sqlite:///tmp/pi/e5.db /tmp/pi/e5.rows.csv
    cargo run --release --example partner_rows -- sqlite:///tmp/pi/a5.db /tmp/pi/a5.rows.csv
    pip install scikit-learn pandas lightgbm
    python3 benches/peers/rankers.py /tmp/pi/e5.rows.csv /tmp/pi/a5.rows.csv

Every ranker is fitted on the fitting window of all the stores given (positives and 48 random
negatives per query, as `ecograph train partners` does) and scored on each store's held-out
window: recall@10 / NDCG@10 per store and query shape, truths outside the candidates counting as
misses. Development seeds only; the constants of the boosted models are library defaults or round
numbers, not tuned.
"""
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

K = 10
EXTRA = ['ptype', 'account_degree', 'book', 'region_deals', 'segment_deals', 'n_industries',
         'tenure', 'recent_region']
META = ['window', 'shape', 'query', 'partner', 'label', 'ra', 'world']
TYPES = ['Si', 'Gsi', 'Var', 'Msp', 'Isv', 'Referral', 'Distributor']


def load(path):
    d = pd.read_csv(path)
    d['world'] = path.rsplit('/', 1)[-1].split('.')[0]
    d['query'] = d['query'].astype(str) + d['world']
    return d


D = pd.concat([load(p) for p in sys.argv[1:]])
BASE = [c for c in D.columns if c not in META + EXTRA]
cand = D[D.partner >= 0].copy()
for t in TYPES:
    cand['t_' + t] = (cand.ptype == t).astype(float)
listed = cand.lists_as_customer + cand.lists_as_opportunity + cand.lists_as_prospect
cand['linked'] = ((listed > 0) | (cand.deals_on_account > 0)
                  | (cand.touches_on_account > 0)).astype(float)
cand['log_account_degree'] = np.log1p(cand.account_degree)
cand['listed_x_log_degree'] = listed * cand.log_account_degree
cand['log_book'] = np.log1p(cand.book)
cand['log_region_deals'] = np.log1p(cand.region_deals)
cand['log_segment_deals'] = np.log1p(cand.segment_deals)
cand['one_over_industries'] = 1 / np.maximum(1, cand.n_industries)
cand['log_tenure'] = np.log1p(np.maximum(0, cand.tenure))
cand['log_deal_rate'] = np.log1p(np.expm1(cand.partner_deals) / np.maximum(30, cand.tenure) * 365)
cand['log_recent_region'] = np.log1p(cand.recent_region)
TY = ['t_' + t for t in TYPES]
NEW = ['log_account_degree', 'listed_x_log_degree', 'log_book', 'log_region_deals',
       'log_segment_deals', 'one_over_industries', 'log_tenure', 'log_deal_rate',
       'log_recent_region']

fit = cand[cand.window == 'fit']
fit = fit.assign(r=np.random.default_rng(1).random(len(fit))).sort_values(['query', 'r'])
train = pd.concat([fit[fit.label == 1], fit[fit.label == 0].groupby('query').head(48)])
held = pd.concat([cand[cand.window == 'held'], D[(D.partner < 0) & (D.window == 'held')]])


def measure(score):
    out = {}
    for key, g in held.groupby(['world', 'shape']):
        rec, ndcg = [], []
        for _, q in g.groupby('query'):
            n_true = q.label.sum()
            c = q[q.partner >= 0]
            top = c.label.values[np.lexsort((c.partner.values, -score(c)))[:K]]
            rec.append(top.sum() / n_true)
            dcg = sum(1 / np.log2(i + 2) for i, v in enumerate(top) if v)
            ndcg.append(dcg / sum(1 / np.log2(i + 2) for i in range(min(n_true, K))))
        out[key] = (np.mean(rec), np.mean(ndcg))
    return out


def logistic(cols, rows=None):
    rows = train if rows is None else rows
    sc = StandardScaler().fit(rows[cols].values)
    m = LogisticRegression(C=1.0, max_iter=3000).fit(sc.transform(rows[cols].values), rows.label)
    return lambda c: m.predict_proba(sc.transform(c[cols].values))[:, 1]


def segmented(cols):
    parts = {v: logistic(cols, train[train.linked == v]) for v in (0.0, 1.0)}

    def score(c):
        out = np.zeros(len(c))
        for v, f in parts.items():
            k = (c.linked == v).values
            if k.any():
                out[k] = f(c[k])
        return out
    return score


def boosted(cols):
    m = lgb.LGBMClassifier(num_leaves=15, n_estimators=200, learning_rate=0.05,
                           min_child_samples=50, subsample=0.8, subsample_freq=1,
                           colsample_bytree=0.8, verbose=-1).fit(train[cols].values, train.label)
    return lambda c: m.predict_proba(c[cols].values)[:, 1]


def lambdarank(cols):
    f = cand[cand.window == 'fit'].sort_values('query')
    groups = f.groupby('query', sort=False).size().values
    m = lgb.LGBMRanker(num_leaves=15, n_estimators=300, learning_rate=0.05,
                       min_child_samples=50, verbose=-1).fit(f[cols].values, f.label, group=groups)
    return lambda c: m.predict(c[cols].values)


rankers = {
    'resource allocation': lambda c: c.ra.values,
    'logistic (as served)': logistic(BASE),
    'logistic + 16 more': logistic(BASE + TY + NEW),
    'logistic per linked/unlinked': segmented(BASE),
    'boosted trees': boosted(BASE),
    'boosted trees + 16 more': boosted(BASE + TY + NEW),
    'LambdaRank': lambdarank(BASE),
}
results = {name: measure(f) for name, f in rankers.items()}
keys = sorted(next(iter(results.values())))
print('ranker'.ljust(30) + ''.join(f'{w} {s}'.ljust(16) for w, s in keys))
for name, r in results.items():
    print(name.ljust(30) + ''.join(f'{r[k][0]:.3f} / {r[k][1]:.3f}'.ljust(16) for k in keys))
