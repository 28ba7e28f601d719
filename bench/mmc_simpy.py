#!/usr/bin/env python3
"""The M/M/c model of bench-mmc.c written idiomatically in SimPy.

50 slots as a SimPy Resource, Poisson arrivals at utilisation 0.8,
exponential service times of mean 10 ms; each request is a process that
queues for a slot, holds it for its service time and counts whether it
waited. Prints the wall time of the run, requests/s (per wall and per CPU
second) and the probability of waiting (to compare with bench-mmc and
Erlang C).

Works with SimPy 3/4 (`import simpy`, from pip) and with SimPy 2.3
(`SimPy.Simulation`, what Debian 12's python3-simpy installs), each in
that version's own idiom.

Usage: mmc_simpy.py [REQUESTS]   (default 10^6; SimPy is slow)
"""
import random
import sys
import time

SLOTS = 50
RHO = 0.8
MEAN_SERVICE_S = 0.010


class Stats:
    def __init__(self):
        self.completed = 0
        self.waited = 0
        self.wait_sum = 0.0

    def started(self, wait):
        if wait > 0:
            self.waited += 1
            self.wait_sum += wait


def run_simpy3(simpy, count, rate, rng, stats):
    """SimPy 3/4: generator functions and events."""

    def request(env, slots):
        arrival = env.now
        with slots.request() as slot:
            yield slot
            stats.started(env.now - arrival)
            yield env.timeout(rng.expovariate(1.0 / MEAN_SERVICE_S))
        stats.completed += 1

    def arrivals(env, slots):
        for _ in range(count):
            yield env.timeout(rng.expovariate(rate))
            env.process(request(env, slots))

    env = simpy.Environment()
    slots = simpy.Resource(env, capacity=SLOTS)
    env.process(arrivals(env, slots))
    env.run()


def run_simpy2(count, rate, rng, stats):
    """SimPy 2.3: Process classes yielding hold/request/release."""
    from SimPy.Simulation import (Process, Resource, Simulation, hold,
                                  release, request)

    class Request(Process):
        def serve(self, slots):
            arrival = self.sim.now()
            yield request, self, slots
            stats.started(self.sim.now() - arrival)
            yield hold, self, rng.expovariate(1.0 / MEAN_SERVICE_S)
            yield release, self, slots
            stats.completed += 1

    class Arrivals(Process):
        def generate(self, slots):
            for _ in range(count):
                yield hold, self, rng.expovariate(rate)
                r = Request(sim=self.sim)
                self.sim.activate(r, r.serve(slots))

    sim = Simulation()
    slots = Resource(capacity=SLOTS, sim=sim)
    source = Arrivals(sim=sim)
    sim.activate(source, source.generate(slots))
    sim.simulate(until=float("inf"))


def main():
    count = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**6
    rate = RHO * SLOTS / MEAN_SERVICE_S
    rng = random.Random(1)
    stats = Stats()
    try:
        import simpy
        version = "SimPy " + getattr(simpy, "__version__", "3+")
        start, cpu_start = time.perf_counter(), time.process_time()
        run_simpy3(simpy, count, rate, rng, stats)
    except ImportError:
        import SimPy
        version = "SimPy " + SimPy.__version__
        start, cpu_start = time.perf_counter(), time.process_time()
        run_simpy2(count, rate, rng, stats)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(f"{version} M/M/{SLOTS}, rho {RHO:.2f}, exponential service "
          f"{MEAN_SERVICE_S * 1e3:.0f} ms, {rate:.0f} rps")
    print(f"  requests      {count}")
    print(f"  completed     {stats.completed}")
    print(f"  wall          {wall:.3f} s")
    print(f"  requests/s    {count / wall:.0f}")
    print(f"  cpu           {cpu:.3f} s ({count / cpu:.0f} requests per CPU "
          "second)")
    print(f"  P(wait)       {stats.waited / count:.4f}")
    print(f"  mean wait     {1e3 * stats.wait_sum / count:.4f} ms")


if __name__ == "__main__":
    main()
