# The app for docker compose: gunicorn as a non-root user, static files
# collected at build time, migrations applied when the container starts.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY . .
# collectstatic needs settings that load; these values exist only for this step.
RUN DEBUG=false SECRET_KEY=collectstatic-only-build-time-value-not-used-at-runtime-000 \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --no-create-home app
USER app

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --timeout ${WEB_TIMEOUT_SECONDS:-30} --access-logfile -"]
