# One image recipe for the three services: docker compose passes SERVICE (Ingestion, Attribution or Reporting).
# Build context: the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY shared/ shared/
COPY services/Directory.Build.props services/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN dotnet publish services/${SERVICE}/Donations.${SERVICE}.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://0.0.0.0:8080 \
    DONATIONS_SERVICE_DLL=Donations.${SERVICE}.dll
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 CMD curl -fs http://127.0.0.1:8080/health/live || exit 1
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$DONATIONS_SERVICE_DLL\""]
