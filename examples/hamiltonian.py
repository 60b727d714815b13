"""A Hamiltonian with traced coefficients, its variance, and the same circuit sampled with shots.

    python examples/hamiltonian.py
"""

import numpy as np

import kettle as kt

# Observables can be built anywhere, e.g. at module level.
H_TERMS = [kt.Z(0) @ kt.Z(1), kt.Z(1) @ kt.Z(2), kt.X(0), kt.X(1), kt.X(2)]


def ansatz(theta):
    for w in range(3):
        kt.RY(theta[w], wires=w)
    kt.CNOT([0, 1])
    kt.CNOT([1, 2])


@kt.qjit(wires=3)
def energy(theta, field):
    ansatz(theta)
    H = kt.Hamiltonian([1.0, 1.0, field, field, field], H_TERMS)  # traced coefficients
    return kt.expval(H), kt.var(H)


@kt.qjit(wires=3, shots=2000, seed=7)
def energy_sampled(theta, field):
    ansatz(theta)
    return kt.expval(kt.Hamiltonian([1.0, 1.0, field, field, field], H_TERMS)), kt.counts()


theta = np.array([0.3, -0.8, 1.2])
exact, variance = energy(theta, 0.5)
estimate, counts = energy_sampled(theta, 0.5)
print(f"energy {exact:+.5f} (variance {variance:.5f}); with 2000 shots {estimate:+.5f}")
print("counts:", counts)
print(energy.lower(theta, 0.5))
