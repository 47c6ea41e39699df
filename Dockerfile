# The web, worker and beat image. Dependencies come from the pinned lock file.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock build-constraints.txt ./
RUN pip install --no-cache-dir pip==26.3 \
    && pip install --no-cache-dir --build-constraint build-constraints.txt -r requirements.lock
COPY . .
# collectstatic needs settings to load; these values exist only during the build.
RUN DEBUG=false SECRET_KEY=build-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    ALLOWED_HOSTS=build SITE_URL=https://build REDIS_URL=redis://build \
    python manage.py collectstatic --no-input -v 0
RUN useradd --create-home wisselstage && mkdir -p /app/media && chown wisselstage /app/media
USER wisselstage
EXPOSE 8000
CMD ["gunicorn", "wisselstage.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
