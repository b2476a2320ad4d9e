# The single-host gateway (deploy/nginx) on the unprivileged nginx image: build from the repository root,
#   docker build -f deploy/docker/gateway.Dockerfile -t learn-gateway .
# The image's entry point renders templates/*.template with the LEARN_* variables into conf.d/.

FROM nginxinc/nginx-unprivileged:1.28.0-bookworm
ENV NGINX_ENVSUBST_FILTER=LEARN_ \
    LEARN_GATEWAY_PORT=8080 \
    LEARN_API_UPSTREAM=api:8063 \
    LEARN_WEB_UPSTREAM=web:8062 \
    LEARN_GATEWAY_SEARCH_RATE=10r/s \
    LEARN_GATEWAY_SEARCH_BURST=20 \
    LEARN_GATEWAY_WRITE_RATE=5r/s \
    LEARN_GATEWAY_WRITE_BURST=10
USER 0
RUN rm -f /etc/nginx/conf.d/default.conf \
    && mkdir -p /tmp/nginx /etc/nginx/modules.d /etc/nginx/http.d \
    && chown -R nginx:nginx /tmp/nginx /etc/nginx/conf.d
COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf
COPY deploy/nginx/snippets/ /etc/nginx/snippets/
COPY deploy/nginx/templates/ /etc/nginx/templates/
USER 101
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD ["curl", "-sS", "-o", "/dev/null", "http://127.0.0.1:8080/metrics"]
CMD ["nginx", "-p", "/tmp/nginx/", "-c", "/etc/nginx/nginx.conf", "-g", "daemon off; pid /tmp/nginx/nginx.pid; error_log stderr notice;"]
