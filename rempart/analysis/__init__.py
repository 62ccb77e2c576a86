"""Analysis: the abuse classifier and raid detection (the simulator is :mod:`rempart.simulate`)."""
