FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY leads leads
COPY verification verification
COPY followup followup
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --create-home leadqual && mkdir -p /app/var && chown leadqual /app/var
USER leadqual
EXPOSE 8000
