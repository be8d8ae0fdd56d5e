"""optbench's own step (ob_step_states: up to three states) as a Python
callable for optbench_golden (through ctypes and liboptbench.so): the same
kernel `optbench verify` runs, so the Python checker must report exactly
what the C checker reports on it (tests/test_python_module.py compares the
two).

    step = ob_step_callable("build/impl/liboptbench.so", "adagrad", "scalar")
    optbench_golden.check_rule(step, "adagrad", ...)

The step updates p and the states in place (float32 NumPy arrays) and
raises ValueError where the step returns OB_EHPARAM (an `outside refused`
case), RuntimeError for any other status.
"""
import ctypes

OB_EHPARAM = 2  # ob_status's order is the ABI (optbench.h): OB_OK, OB_EINVAL, OB_EHPARAM


def ob_step_callable(lib_path, rule, variant):
    lib = ctypes.CDLL(lib_path)
    lib.ob_variant_find.restype = ctypes.c_void_p
    lib.ob_variant_find.argtypes = [ctypes.c_char_p]
    lib.ob_algo_from_name.argtypes = [ctypes.c_char_p]
    lib.ob_hparam_count.restype = ctypes.c_int
    lib.ob_hparam_name.restype = ctypes.c_char_p
    lib.ob_hparams_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]
    lib.ob_strerror.restype = ctypes.c_char_p
    lib.ob_state_name.restype = ctypes.c_char_p
    fp = ctypes.POINTER(ctypes.c_float)
    lib.ob_step_states.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                                   ctypes.c_int64, fp, fp, ctypes.POINTER(fp), ctypes.c_size_t]
    v = lib.ob_variant_find(variant.encode())
    algo = lib.ob_algo_from_name(rule.encode())
    if not v or algo < 0:
        raise ValueError(f"liboptbench knows no variant '{variant}' or rule '{rule}'")
    count = lib.ob_hparam_count()
    names = [lib.ob_hparam_name(k).decode() for k in range(count)]
    states = []
    while lib.ob_state_name(algo, len(states)):
        states.append(lib.ob_state_name(algo, len(states)).decode())
    # ob_hparams: uint32 size, then one float per hyperparameter of the list
    size = 4 + 4 * count

    def ptr(a):
        return a.ctypes.data_as(fp) if a is not None else None

    def step(p, g, hp, t, **s):
        buf = (ctypes.c_uint32 * (size // 4))()
        buf[0] = size
        for name in names:
            if lib.ob_hparams_set(buf, name.encode(), float(hp[name])) != 0:
                raise ValueError(f"ob_hparams_set refused {name} = {hp[name]}")
        # every state of the rule by its name; one the case does not have (an
        # option switched it off) is NULL, as ob_state_used allows
        arrays = (fp * max(1, len(states)))(*(ptr(s.get(k)) for k in states))
        rc = lib.ob_step_states(v, algo, buf, t, ptr(p), ptr(g), arrays, len(p))
        if rc != 0:
            msg = lib.ob_strerror(rc).decode()
            raise (ValueError if rc == OB_EHPARAM else RuntimeError)(f"ob_step_states: {msg}")
        return None

    step.__qualname__ = f"ob_step[{variant}]"
    return step
