"""Schemathesis hooks for scripts/api-contract.sh.

An Idempotency-Key names one request: the API answers a key sent again with another body with
422 `idempotency_key_reused` (its own test covers that). Generated data repeats header values
freely, so every schema-valid request gets a key of its own; malformed keys are left as
generated, for the API to refuse.
"""

import uuid

import schemathesis


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
