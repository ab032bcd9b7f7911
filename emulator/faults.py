"""Fault injection: the next N responses of a named endpoint misbehave, so the portal's tests
can prove that it survives a slow, broken or lying ID-porten."""

from __future__ import annotations

import enum
import functools
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from emulator.models import Fault
from emulator.types import Endpoint, GenericFault, faults_allowed_at


class FaultDefinitionError(ValueError):
    pass


class LogoutTokenFault(enum.StrEnum):
    """Each makes one back-channel logout token wrong in exactly the way its name says. Queued
    at the endsession endpoint; each token sent uses up one (emulator/backchannel.py)."""

    BAD_SIGNATURE = "bad_signature"
    WRONG_AUD = "wrong_aud"
    NO_EVENTS = "no_events"
    # The jti of the previous logout token sent to that client (sent twice when there is none).
    REPLAYED_JTI = "replayed_jti"
    NONCE = "nonce"
    NO_SID = "no_sid"


# Faults of what an endpoint sends elsewhere rather than of its own response.
_SENT_FAULTS: dict[Endpoint, tuple[str, ...]] = {Endpoint.ENDSESSION: tuple(LogoutTokenFault)}


def fault_add(*, endpoint: str, fault: str, count: int = 1, seconds: float = 0.0) -> Fault:
    try:
        known_endpoint = Endpoint(endpoint)
    except ValueError:
        names = ", ".join(Endpoint)
        raise FaultDefinitionError(f"unknown endpoint {endpoint!r}; one of {names}") from None
    allowed = (*faults_allowed_at(known_endpoint), *_SENT_FAULTS.get(known_endpoint, ()))
    if fault not in allowed:
        raise FaultDefinitionError(
            f"fault {fault!r} does not apply to {endpoint}; one of {', '.join(allowed)}"
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultDefinitionError("count must be a whole number of at least 1")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise FaultDefinitionError("seconds must be a number of at least 0")
    return Fault.objects.create(
        endpoint=known_endpoint, fault=fault, remaining=count, seconds=float(seconds)
    )


def fault_take(*, endpoint: Endpoint, among: tuple[str, ...]) -> Fault | None:
    """Use up one occurrence of the oldest queued fault of these kinds at this endpoint."""
    with transaction.atomic():
        fault = Fault.objects.filter(endpoint=endpoint, fault__in=among).first()
        if fault is None:
            return None
        if fault.remaining <= 1:
            fault.delete()
        else:
            fault.remaining -= 1
            fault.save(update_fields=["remaining"])
        return fault


def faults_clear() -> None:
    Fault.objects.all().delete()


def _client_socket(request: HttpRequest) -> socket.socket | None:
    """gunicorn hands the socket to the application; under runserver (wsgiref) it sits behind
    the request body stream: Django's LimitedStream, the socket file, its SocketIO."""
    sock = request.META.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        return sock
    stream: Any = request.META.get("wsgi.input")
    reader = getattr(getattr(stream, "_read", None), "__self__", stream)
    sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _drop_connection(request: HttpRequest) -> None:
    """Shut the client's socket so that it gets no HTTP answer at all. The server's later
    write of the response fails, which both servers treat as a client that went away."""
    sock = _client_socket(request)
    if sock is None:
        raise RuntimeError("drop_connection works under runserver and gunicorn only")
    sock.shutdown(socket.SHUT_RDWR)


HUGE_BODY_BYTES = 64 * 1024 * 1024


def _huge_json_array() -> Iterator[bytes]:
    """A JSON array that goes on for HUGE_BODY_BYTES, made as it is sent (never held whole)."""
    chunk = b'"x",' * 16_384
    yield b"["
    for _ in range(HUGE_BODY_BYTES // len(chunk)):
        yield chunk
    yield b'"x"]'


def _generic_fault_response(request: HttpRequest, fault: Fault) -> HttpResponseBase | None:
    """The faulty response, or None when the real response should follow (latency)."""
    if fault.fault == GenericFault.LATENCY:
        time.sleep(fault.seconds)
        return None
    if fault.fault == GenericFault.MALFORMED_JSON:
        return HttpResponse(
            '{"error": "server_error", "error_desc', content_type="application/json"
        )
    if fault.fault == GenericFault.EMPTY_BODY:
        return HttpResponse(b"", content_type="application/json")
    if fault.fault == GenericFault.HUGE_BODY:
        return StreamingHttpResponse(_huge_json_array(), content_type="application/json")
    if fault.fault == GenericFault.DROP_CONNECTION:
        _drop_connection(request)
        return HttpResponse(status=500)
    status = int(fault.fault.removeprefix("http_"))
    return HttpResponse(
        f"Injected fault: HTTP {status}", status=status, content_type="text/plain; charset=utf-8"
    )


def fault_injectable(
    endpoint: Endpoint,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponseBase]]:
    """Let queued generic faults of `endpoint` replace or delay the view's response."""

    def decorate(
        view: Callable[..., HttpResponse],
    ) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            fault = fault_take(endpoint=endpoint, among=tuple(GenericFault))
            if fault is not None:
                response = _generic_fault_response(request, fault)
                if response is not None:
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
