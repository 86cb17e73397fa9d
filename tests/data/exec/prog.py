#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A source program for tests/integration/test_exec.py, run by the exec
plugin.  The first argument picks what it does:

    good        print observations (values that must survive bit for bit)
    env         print its environment on stderr as JSON, one observation
    exit1       print two good lines, explain on stderr, exit 1
    badline N K print good lines, then line N of kind K (notjson, key,
                period, value, status, indicator, nan), then more good
                lines
    hang FILE   start a grandchild, write both pids to FILE, never exit
    sleep FILE  write its pid to FILE and sleep, without children
    spew        print 1000 lines on stderr, then one observation
"""
import json
import os
import sys
import time

GOOD = [
    ("groningen", "2019", 4.8, "final"),
    ("groningen", "2020", 0.1 + 0.2, "final"),
    ("groningen", "2021", 1e-300, "final"),
    ("groningen", "2022", None, "final"),
    ("groningen", "2023", 123456789.123456789, "provisional"),
    ("drenthe", "2020", 3.7, "final"),
    ("drenthe", "2021", -0.0, "final"),
]


def obs(region, period, value, status="final"):
    return json.dumps({"indicator": "unemployment-rate", "region": region,
                       "period": period, "value": value, "status": status})


def main():
    mode = sys.argv[1]
    out = sys.stdout
    if mode == "good":
        for o in GOOD:
            print(obs(*o))
        # Other notations and an empty line are read too.
        print("")
        print(json.dumps({"indicator": "unemployment-rate",
                          "region": "drenthe", "period": "2022JJ00",
                          "value": 3, "source": "prog", "note": "integer"}))
    elif mode == "env":
        print(json.dumps(dict(os.environ), sort_keys=True), file=sys.stderr)
        print(obs("groningen", "2020", 4.4))
    elif mode == "exit1":
        print(obs("groningen", "2020", 4.4))
        print(obs("groningen", "2021", 4.7))
        print("the upstream table was empty", file=sys.stderr)
        return 1
    elif mode == "badline":
        n, kind = int(sys.argv[2]), sys.argv[3]
        bad = {
            "notjson": "{indicator: unemployment-rate}",
            "key": json.dumps({"indicator": "unemployment-rate",
                               "region": "groningen", "period": "2020",
                               "value": 1, "unit": "%"}),
            "period": json.dumps({"indicator": "unemployment-rate",
                                  "region": "groningen", "period": "2020-13",
                                  "value": 1}),
            "value": json.dumps({"indicator": "unemployment-rate",
                                 "region": "groningen", "period": "2020",
                                 "value": "4,4"}),
            "status": json.dumps({"indicator": "unemployment-rate",
                                  "region": "groningen", "period": "2020",
                                  "value": 1, "status": "voorlopig"}),
            "indicator": json.dumps({"indicator": "no-such-indicator",
                                     "region": "groningen",
                                     "period": "2020", "value": 1}),
            # What json.dumps() writes for float("nan").
            "nan": obs("groningen", "2020", float("nan")),
        }[kind]
        for i in range(1, 6):
            print(bad if i == n else obs("drenthe", str(2014 + i), i))
    elif mode == "hang":
        pid = os.fork()
        if pid == 0:
            time.sleep(300)
            os._exit(0)
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write("%d %d\n" % (os.getpid(), pid))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        print(obs("groningen", "2020", 4.4))
        out.flush()
        time.sleep(300)
    elif mode == "sleep":
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        time.sleep(300)
    elif mode == "spew":
        for i in range(1000):
            print("progress %d" % i, file=sys.stderr)
        print(obs("groningen", "2020", 4.4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
