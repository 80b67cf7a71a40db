# The people's web app: the app is built with npm in a Node stage, then the Web service is published with it.
# Build context: the repository root.
FROM node:20-bookworm-slim AS app
WORKDIR /src/services/Web/app
COPY services/Web/app/package.json services/Web/app/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY services/Web/app/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY shared/ shared/
COPY services/Directory.Build.props services/
COPY services/Web/ services/Web/
COPY --from=app /src/services/Web/wwwroot/ services/Web/wwwroot/
RUN dotnet publish services/Web/Donations.Web.csproj -c Release -o /app --nologo -p:SkipAppBuild=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 CMD curl -fs http://127.0.0.1:8080/health/live || exit 1
USER $APP_UID
ENTRYPOINT ["dotnet", "Donations.Web.dll"]
