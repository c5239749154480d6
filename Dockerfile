# syntax=docker/dockerfile:1
#
# oss-serve container image: CUDA kernels + Spring Boot jar on a minimal CUDA base image.
#
#   docker build -t oss-serve:0.1.0 \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) .
#
# Base image pinning: the three base images below are pinned to exact, immutable-by-convention
# version tags. Their digests could not be verified from the machine this file was written on
# (no registry access there), so no digest is stated here rather than an unverified one. A release
# pipeline should resolve each tag once (`skopeo inspect docker://IMAGE:TAG` or `crane digest
# IMAGE:TAG`) and pass IMAGE:TAG@sha256:... through the build arguments below; docs/operations.md
# ("Building the image") shows how.
#
# Driver requirement: CUDA 12.9 user-space, kernels compiled to cubins for Hopper (sm_90) and
# Blackwell (sm_100); with CUDA minor-version compatibility any R525+ driver that supports the GPU works,
# R575+ is recommended.

ARG CUDA_DEVEL_IMAGE=docker.io/nvidia/cuda:12.9.1-devel-ubuntu24.04
ARG CUDA_BASE_IMAGE=docker.io/nvidia/cuda:12.9.1-base-ubuntu24.04
ARG JDK_IMAGE=docker.io/library/eclipse-temurin:25.0.3_9-jdk-noble

# ---------------------------------------------------------------------------------------------
# JDK source stage: only used to copy a full Temurin 25 JDK into the build stage.
# ---------------------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS jdk

# ---------------------------------------------------------------------------------------------
# Build stage: nvcc (CUDA devel image) + JDK 25 + Maven wrapper -> target/oss-serve.jar with the
# kernels fatbin inside, and a jlink-trimmed Java runtime.
# ---------------------------------------------------------------------------------------------
FROM ${CUDA_DEVEL_IMAGE} AS build

ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:/usr/local/cuda/bin:${PATH}"
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk

# Fail early and loudly when the toolchain is not what this file assumes.
RUN nvcc --version && java -version

WORKDIR /src
# Wrapper and POM first so that the dependency download is cached independently of the sources.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -q dependency:go-offline

COPY src src
COPY cuda-kernels cuda-kernels
# Tests run in CI, not in the image build. nvcc is on PATH, so the build compiles cuda-kernels/
# into the fatbin resource packaged in the jar.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -DskipTests package \
 && test -s target/oss-serve.jar

# A trimmed runtime: only the modules a Spring Boot web service with JDBC, Redis (Lettuce/Netty),
# JNA/JCuda and the Vector API needs. jdk.incubator.vector must be present because the launcher
# adds it with --add-modules.
ARG JLINK_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.charsets,jdk.crypto.cryptoki,jdk.incubator.vector,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
RUN jlink --add-modules "${JLINK_MODULES}" \
          --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
          --output /opt/jre \
 && /opt/jre/bin/java --add-modules jdk.incubator.vector --list-modules | grep -q '^jdk.incubator.vector'

# ---------------------------------------------------------------------------------------------
# Runtime stage: CUDA base image (the driver's libcuda.so is injected at run time by the NVIDIA
# container toolkit; the kernels are loaded through the driver API), the trimmed JRE and the jar.
# ---------------------------------------------------------------------------------------------
FROM ${CUDA_BASE_IMAGE} AS runtime

ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
ARG CUDA_BASE_IMAGE

LABEL org.opencontainers.image.title="oss-serve" \
      org.opencontainers.image.description="Secured OpenAI-compatible inference microservice for the gpt-oss models" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/oss-serve/oss-serve" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="oss-serve" \
      org.opencontainers.image.base.name="${CUDA_BASE_IMAGE}" \
      io.k8s.display-name="oss-serve" \
      io.k8s.description="OpenAI-compatible gpt-oss inference service" \
      io.openshift.tags="llm,inference,gpt-oss,openai,cuda" \
      io.openshift.expose-services="8000:http"

ENV JAVA_HOME=/opt/java \
    PATH="/opt/java/bin:${PATH}" \
    HOME=/tmp \
    CUDA_CACHE_PATH=/tmp/cuda-cache \
    OSS_SERVE_DATA_DIR=/data \
    SERVER_PORT=8000 \
    JDK_JAVA_OPTIONS="-XX:+UseContainerSupport -XX:InitialRAMPercentage=10 -XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Djava.io.tmpdir=/tmp -Djava.security.egd=file:/dev/urandom -Dfile.encoding=UTF-8"
# Heap is capped at 40% of the container memory limit on purpose: model weights are memory-mapped
# files and the KV cache lives off-heap (or on the GPU); both need room outside the heap.

COPY --from=build /opt/jre /opt/java
COPY --from=build --chown=0:0 --chmod=0644 /src/target/oss-serve.jar /app/oss-serve.jar

# Writable paths exist only as declared volumes. They belong to UID 10001 and to group 0 with the
# group's permissions equal to the owner's, so that OpenShift's arbitrary UID (always in group 0)
# can write them too. Everything else stays root-owned and read-only; setuid/setgid bits are removed.
RUN mkdir -p /models /data \
 && chown 10001:0 /models /data \
 && chmod 0775 /models /data \
 && chmod 1777 /tmp
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
VOLUME ["/models", "/data", "/tmp"]

WORKDIR /app
USER 10001:0
EXPOSE 8000

# No HEALTHCHECK: Kubernetes/OpenShift use the probes of the Helm chart (/v1/health/live and
# /v1/health/ready), and the image deliberately ships no curl.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar", "/app/oss-serve.jar"]
CMD ["serve"]
