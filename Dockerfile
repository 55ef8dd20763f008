# The mock server in a container, for frontend developers without Python:
#   docker build -t allmine-viewers-mock .
#   docker run --rm -p 8080:8080 allmine-viewers-mock          # http://127.0.0.1:8080, token in the log
#   docker run --rm allmine-viewers-mock token                 # a bearer token, nothing else
# Every mock option works as an argument or a MOCK_* variable (docker run -e MOCK_LATENCY=100-400 ...).
#
# Builds behind a package mirror or a TLS-inspecting proxy take pip's own settings as build arguments,
# e.g. --build-arg PIP_INDEX_URL=https://mirror.example/simple or PIP_CERT=<a CA bundle inside the image>.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ARG PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_CERT
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md openapi.yaml requirements.lock ./
COPY mockserver mockserver
COPY contract_tests contract_tests
COPY contract_proxy contract_proxy
RUN pip wheel --no-cache-dir --disable-pip-version-check --no-deps --wheel-dir /wheels . \
    && cp requirements.lock /wheels/

FROM ${PYTHON_IMAGE}
ARG PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_CERT
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCK_HOST=0.0.0.0 \
    MOCK_PORT=8080
COPY --from=build /wheels /tmp/wheels
# The mock alone: no [contract] extra, so no test tools in the image.
RUN pip install --no-cache-dir --disable-pip-version-check -c /tmp/wheels/requirements.lock /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels \
    && useradd --system --uid 10001 --gid 0 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mock
USER 10001
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('MOCK_PORT', '8080') + '/openapi.json', timeout=2)"]
ENTRYPOINT ["mockserver"]
