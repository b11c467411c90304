"""loadtest/machine.py: what a load test's figures came from, comparable between runs."""

from loadtest import machine


def test_the_reference_work_is_the_same_every_run_and_timed_per_round():
    assert machine._work() == machine._work()
    fastest, median = machine.reference_ms(rounds=3)
    assert 0 < fastest <= median


def test_the_machine_is_described_and_printed_with_its_reference():
    described = machine.describe()
    assert set(described) == {"cpu", "cores", "python", "reference_ms", "reference_median_ms"}
    assert described["cpu"] and described["cores"] >= 1
    printed = machine.line(described)
    assert f"{described['reference_ms']} ms on one core at best" in printed
    assert f"Python {described['python']}" in printed
