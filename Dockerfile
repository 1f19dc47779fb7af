# syntax=docker/dockerfile:1
#
# s3seal container image.
#
#   docker build -t s3seal:dev .
#
# The image runs the production proxy only: it does NOT contain the embedded demo store
# (target/s3proxy/s3proxy.jar), so S3SEAL_UPSTREAM_ENDPOINT must be set at run time.
# No secrets are baked in: client secrets, upstream credentials and master keys come from the
# environment or mounted files (see docs/kubernetes.md).

# ---- build stage: full JDK + Maven, discarded after the build ---------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# Only what the build needs (.dockerignore keeps the rest out). The BuildKit cache mount keeps
# ~/.m2 (dependencies, the Maven distribution of mvnw) between builds; it is not in any layer.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY src src
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests package

# ---- runtime stage: JRE only, non-root -------------------------------------------------------
FROM eclipse-temurin:21-jre

RUN groupadd --system --gid 10001 s3seal \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
            --home-dir /nonexistent --shell /usr/sbin/nologin s3seal

WORKDIR /app
# Only the application jar: no build tools, no S3Proxy demo store, no sources.
COPY --from=build --chown=root:root --chmod=0444 /src/target/s3seal.jar /app/s3seal.jar

# Heap as a share of the container memory limit; a JVM out of memory exits so the
# orchestrator restarts it instead of limping on. Temporary files go to /tmp (mount an emptyDir
# there when the root filesystem is read-only). The management port binds like SERVER_ADDRESS, so a
# sidecar that sets SERVER_ADDRESS=127.0.0.1 keeps metrics on loopback too unless it also sets
# MANAGEMENT_SERVER_ADDRESS (the Helm chart does, for the kubelet's probes).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    MANAGEMENT_SERVER_PORT=9091

# 8080: S3 API. 9091: management (/actuator/health/liveness, /actuator/health/readiness,
# /actuator/prometheus).
EXPOSE 8080 9091

# Numeric uid:gid so Kubernetes runAsNonRoot can verify it without resolving names.
USER 10001:10001

ENTRYPOINT ["java", "-jar", "/app/s3seal.jar"]
