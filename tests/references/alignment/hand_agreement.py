"""Hand computation of UN vote-agreement measures on a small fixed vote matrix (stdlib only).

Writes ``votes.csv`` (the toy matrix: 12 roll calls, KAZ/CHN/RUS, blanks = did not vote),
``roll_calls.csv`` and ``hand_agreement.csv`` (expected agreement, Cohen's kappa, Scott's pi, S-score
for every pair and abstention option), ``hand_divergent.csv`` (expected divergent roll calls).
Definitions written out from Häge (2011) and Signorino & Ritter (1999), independently of kzecon:

    votes coded yes=1, abstain=2, no=3; roll calls where either country did not vote are left out;
    weights w(i, j) = 1 - |i - j| / 2 ("half") or 1{i == j} ("category"); "drop" also leaves out
    roll calls where either abstained, then uses 1{i == j};
    Po = mean over roll calls of w(x, y)
    kappa: Pe = sum_i sum_j w(i, j) pA(i) pB(j);   pi: Pe = sum_i sum_j w(i, j) p(i) p(j), p = (pA + pB) / 2
    (Po - Pe) / (1 - Pe);   S = 1 - 2 * mean|x - y| / 2.

Run: python tests/references/alignment/hand_agreement.py
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
# rcid: (KAZ, CHN, RUS); "" = did not vote
VOTES = {
    1: ("yes", "yes", "yes"),
    2: ("yes", "yes", "no"),
    3: ("abstain", "yes", "no"),
    4: ("no", "no", "yes"),
    5: ("yes", "abstain", "yes"),
    6: ("", "yes", "no"),
    7: ("yes", "", "yes"),
    8: ("abstain", "abstain", "yes"),
    9: ("yes", "no", "yes"),
    10: ("no", "yes", "abstain"),
    11: ("yes", "yes", "yes"),
    12: ("abstain", "no", "no"),
}
YEARS = {r: (2008 if r <= 6 else 2012) for r in VOTES}
CODE = {"yes": 1, "abstain": 2, "no": 3}
COUNTRIES = ("KAZ", "CHN", "RUS")


def weight(i, j, option):
    if option == "half":
        return 1 - abs(i - j) / 2
    return 1.0 if i == j else 0.0


def measures(a, b, option):
    pairs = []
    for r in sorted(VOTES):
        x, y = VOTES[r][a], VOTES[r][b]
        if x == "" or y == "":
            continue
        if option == "drop" and ("abstain" in (x, y)):
            continue
        pairs.append((CODE[x], CODE[y]))
    n = len(pairs)
    po = sum(weight(x, y, option) for x, y in pairs) / n
    pa = {k: sum(1 for x, _ in pairs if x == k) / n for k in (1, 2, 3)}
    pb = {k: sum(1 for _, y in pairs if y == k) / n for k in (1, 2, 3)}
    pp = {k: (pa[k] + pb[k]) / 2 for k in (1, 2, 3)}
    pe_k = sum(weight(i, j, option) * pa[i] * pb[j] for i in (1, 2, 3) for j in (1, 2, 3))
    pe_p = sum(weight(i, j, option) * pp[i] * pp[j] for i in (1, 2, 3) for j in (1, 2, 3))
    s = 1 - 2 * (sum(abs(x - y) for x, y in pairs) / n) / 2
    return n, po, (po - pe_k) / (1 - pe_k), (po - pe_p) / (1 - pe_p), s


def main():
    with open(os.path.join(HERE, "votes.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["rcid", "country", "vote"])
        for r in sorted(VOTES):
            for c, v in zip(COUNTRIES, VOTES[r], strict=False):
                if v:
                    w.writerow([r, c, v])
    with open(os.path.join(HERE, "roll_calls.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["rcid", "date", "year", "session", "unres", "issue"])
        for r in sorted(VOTES):
            w.writerow([r, f"{YEARS[r]}-12-0{1 + r % 9}", YEARS[r], YEARS[r] - 1945, f"R/{YEARS[r] - 1945}/{r}",
                        "Human rights" if r % 2 else "Nuclear weapons and nuclear material"])
    with open(os.path.join(HERE, "hand_agreement.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["country_a", "country_b", "abstain", "n", "agreement", "kappa", "scott_pi", "s_score"])
        for a, b in ((0, 1), (0, 2), (1, 2)):
            for option in ("half", "category", "drop"):
                n, po, k, p, s = measures(a, b, option)
                w.writerow([COUNTRIES[a], COUNTRIES[b], option, n] + [repr(v) for v in (po, k, p, s)])
    # divergent votes: CHN and RUS both voted and differ; strict: one yes and the other no
    with open(os.path.join(HERE, "hand_divergent.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["rcid", "strict", "sided_with"])
        for r in sorted(VOTES):
            k, c, ru = VOTES[r]
            if c == "" or ru == "" or c == ru:
                continue
            strict = c in ("yes", "no") and ru in ("yes", "no")
            side = "absent" if k == "" else "CHN" if k == c else "RUS" if k == ru else "neither"
            w.writerow([r, int(strict), side])


if __name__ == "__main__":
    main()
