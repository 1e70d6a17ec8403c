FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=0
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core npm curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 awards
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
 && chown -R awards /app
USER awards
EXPOSE 8000
# Limits and timeouts in gunicorn.conf.py; the proxy in front caps request bodies (README).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi"]
