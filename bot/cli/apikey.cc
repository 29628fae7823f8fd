#include "bot/cli/apikey.h"

#include <fmt/format.h>

#include <iostream>

#include "bot/app.h"
#include "handlers/org/open311.h"
#include "storage/open311_store.h"

namespace gebi::bot {

void AddApiKeyCommands(CLI::App& app, Cli& cli) {
  auto* apikey = app.add_subcommand("apikey", "API keys of the Open311 server's consumers");
  apikey->require_subcommand(1);
  auto& name = cli.Keep<std::string>();

  auto* add = apikey->add_subcommand("add", "issue a key for a consumer and print it once");
  cli.AddConfigOption(add);
  add->add_option("name", name, "the consumer, e.g. 区12345平台")->required();
  cli.RunWithApp(add, [&name](App& app) {
    auto key = handlers::IssueApiKey(app.db(), name, app.clock().NowSeconds());
    if (!key.ok()) return Report(key.status());
    std::cout << fmt::format(
        "API key for '{}': {}\nit is shown only now (gebi keeps its hash): hand it to the "
        "consumer; `gebi apikey revoke {}` stops it\n",
        name, *key, name);
    return 0;
  });

  auto* list = apikey->add_subcommand("list", "list the keys (name, prefix, state, last use)");
  cli.AddConfigOption(list);
  cli.RunWithApp(list, [](App& app) {
    std::vector<storage::ApiKey> keys;
    Status s = app.db().WithRead([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(keys, storage::ListApiKeys(tx));
      return Status::Ok();
    });
    if (!s.ok()) return Report(s);
    for (const auto& k : keys) {
      std::cout << fmt::format("{}\t{}…\t{}\t{}\n", k.name, k.prefix,
                               k.revoked_at ? "revoked" : "active",
                               k.last_used_at ? handlers::W3CDate(*k.last_used_at) : "never used");
    }
    return 0;
  });

  auto* revoke = apikey->add_subcommand("revoke", "stop a consumer's key at once");
  cli.AddConfigOption(revoke);
  revoke->add_option("name", name, "the consumer's name")->required();
  cli.RunWithApp(revoke, [&name](App& app) {
    bool revoked = false;
    Status s = app.db().WithTransaction([&](storage::Tx& tx) -> Status {
      GEBI_ASSIGN_OR_RETURN(revoked, storage::RevokeApiKey(tx, name, app.clock().NowSeconds()));
      return Status::Ok();
    });
    if (!s.ok()) return Report(s);
    if (!revoked) {
      return Report(Status::NotFound(
          fmt::format("no active API key named '{}' (see gebi apikey list)", name)));
    }
    std::cout << fmt::format("API key of '{}' revoked\n", name);
    return 0;
  });
}

}  // namespace gebi::bot
