// Every seed scenario of the conformance corpus parses without a diagnostic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/script/parser.h"

namespace tasklens::script {
namespace {

std::filesystem::path seed_directory() {
    if (const char* env = std::getenv("TASKLENS_SEEDS_DIR")) return env;
    const std::filesystem::path source = TASKLENS_SOURCE_DIR;
    for (const auto& candidate :
         {source / "tests/conformance/seeds", source / "../shared/conformance/seeds",
          source / "../../shared/conformance/seeds"}) {
        if (std::filesystem::is_directory(candidate)) return candidate;
    }
    return {};
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

TEST(scriptSeedScenarios, EveryScenarioParses) {
    std::filesystem::path dir = seed_directory();
    if (dir.empty()) GTEST_SKIP() << "no seed scenario directory found";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".exs") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    SourceFiles sources;
    for (const auto& path : files) {
        const SourceFile& file = sources.add(path.filename().string(), read_file(path));
        ParseResult result = parse(file);
        EXPECT_TRUE(result.ok()) << (result.diagnostics.empty()
                                         ? std::string("no AST")
                                         : format_diagnostic(result.diagnostics.front(), file));
    }
    RecordProperty("seed_files", static_cast<int>(files.size()));
}

}  // namespace
}  // namespace tasklens::script
