// Model files: what a selection writes, that a file reads back to the same model, and that every
// damaged or inconsistent key is refused with the file, the key and what to do.
#include "aumtrain/io/model_file.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aumtrain/core/errors.hpp"
#include "test_helpers.hpp"

namespace aumtrain {
namespace {

using Json = nlohmann::json;

// A selection of a three-feature model: feature b is constant on subtrain (sd 0, weight 0).
Selection example_selection() {
  Selection s;
  s.key = {"toy", 0.25, 7, "aum.rate", "line_search", std::nullopt};
  s.iteration = 12;
  s.validation_auc = 0.75;
  s.test.auc = 0.625;
  s.feature_names = {"a", "b", "c"};
  s.feature_map = FeatureMap::identity(3);
  s.feature_map.mean = Eigen::Vector3d(1.0, 5.0, -2.0);
  s.feature_map.sd = Eigen::Vector3d(2.0, 0.0, 0.5);
  s.model.weights = Eigen::Vector3d(0.5, 0.0, -1.0);
  s.model.intercept = 0.25;
  s.threshold = {0.125, 3, 4};
  s.data_settings = {DataFormat::csv, ';', "class", "yes", {"id"}, MissingPolicy::drop_rows, {}};
  s.label_values = {"yes", "no", "maybe"};
  s.training_data = {"data/toy.csv", 1234, std::string(64, 'a'), {}};
  return s;
}

TEST(ModelFile, SelectionGivesOriginalUnitsNegativeLabelAndProvenance) {
  const ModelFile m = model_file_of(example_selection());
  EXPECT_EQ(m.aumtrain_version, std::string(aumtrain_version()));
  EXPECT_EQ(m.negative_label, "no");  // the first label that is not positive
  // w / sd, and b - sum(w / sd * mean): 0.25 - (0.25 * 1 + 0 * 5 + -2 * -2) = -4.
  EXPECT_EQ(m.original.weights, Eigen::Vector3d(0.25, 0.0, -2.0));
  EXPECT_EQ(m.original.intercept, -4.0);
  EXPECT_EQ(m.threshold_rule, "min_fp_plus_fn_on_subtrain");
  // score = -4 + 0.25 * 4 + 0 * 9 - 2 * 1 = -5, below the threshold 0.125.
  const std::vector<double> row = {4, 9, 1};
  EXPECT_EQ(m.score(row), -5.0);
  EXPECT_EQ(m.predicted_label(m.score(row)), "no");
  EXPECT_EQ(m.predicted_label(0.125), "no");  // positive only strictly above
  EXPECT_EQ(m.predicted_label(0.25), "yes");
}

TEST(ModelFile, ReadsBackTheSameModel) {
  const ModelFile written = model_file_of(example_selection());
  const std::string text = model_file_json(written);
  const ModelFile read = parse_model_file(text, "m.json");
  EXPECT_EQ(model_file_json(read), text);
  EXPECT_EQ(read.key.dataset, "toy");
  EXPECT_EQ(read.key.positive_fraction, 0.25);
  EXPECT_EQ(read.key.seed, 7u);
  EXPECT_EQ(read.key.step_size, std::nullopt);
  EXPECT_EQ(read.data.delimiter, ';');
  EXPECT_EQ(read.data.label_column, "class");
  EXPECT_EQ(read.data.exclude, (std::vector<std::string>{"id"}));
  EXPECT_EQ(read.data.missing, MissingPolicy::drop_rows);
  EXPECT_EQ(read.label_values, (std::vector<std::string>{"yes", "no", "maybe"}));
  EXPECT_EQ(read.training_data.bytes, 1234u);
  EXPECT_EQ(read.original.weights, written.original.weights);
  EXPECT_EQ(read.standardized.intercept, 0.25);
  EXPECT_EQ(read.threshold.threshold, 0.125);
  EXPECT_EQ(read.threshold.false_negatives, 4);
  const Json json = Json::parse(text);
  EXPECT_EQ(json["format"], "aumtrain-model");
  EXPECT_EQ(json["format_version"], 2);
  EXPECT_EQ(json["data"]["delimiter"], ";");
}

TEST(ModelFile, ADatasetOfShardsListsThemAll) {
  Selection s = example_selection();
  s.training_data.shards = {"data/toy.csv", "data/toy_2.csv"};
  const ModelFile written = model_file_of(s);
  const std::string text = model_file_json(written);
  EXPECT_NE(text.find("\"shards\""), std::string::npos);
  const ModelFile read = parse_model_file(text, "m.json");
  EXPECT_EQ(read.training_data.path, "data/toy.csv");
  EXPECT_EQ(read.training_data.shards, s.training_data.shards);
  EXPECT_EQ(model_file_json(read), text);
  // One file: no shards key, as before.
  EXPECT_EQ(model_file_json(model_file_of(example_selection())).find("\"shards\""),
            std::string::npos);
}

TEST(ModelFile, LibsvmModelsHaveNoDelimiterOrLabelColumn) {
  Selection s = example_selection();
  s.data_settings = {DataFormat::libsvm, 0, "", "+1", {}, MissingPolicy::error, {}};
  s.label_values = {"+1", "-1"};
  s.feature_names = {"f1", "f3", "f10"};
  const std::string text = model_file_json(model_file_of(s));
  const Json json = Json::parse(text);
  EXPECT_TRUE(json["data"]["delimiter"].is_null());
  EXPECT_TRUE(json["data"]["label"].is_null());
  const ModelFile read = parse_model_file(text, "m.json");
  EXPECT_EQ(read.data.format, DataFormat::libsvm);
  EXPECT_EQ(read.negative_label, "-1");
}

// An edit of a valid file and the message it must give after "m.json: ".
struct Damage {
  std::function<void(Json&)> edit;
  std::string expected;
};

TEST(ModelFile, EveryDamagedKeyIsNamed) {
  const Json valid = Json::parse(model_file_json(model_file_of(example_selection())));
  const Damage cases[] = {
      {[](Json& j) { j = Json::array(); }, "expected a JSON object"},
      {[](Json& j) { j["format"] = "onnx"; }, "key 'format': 'onnx' is not 'aumtrain-model'; this is not an aumtrain model file"},
      {[](Json& j) { j["format_version"] = 3; }, "key 'format_version': the file has format version 3"},
      {[](Json& j) { j.erase("threshold"); }, "key 'threshold' is missing"},
      {[](Json& j) { j["original_units"].erase("weights"); }, "key 'original_units.weights' is missing"},
      {[](Json& j) { j["data"] = 3; }, "key 'data': expected an object, found number"},
      {[](Json& j) { j["seed"] = "7"; }, "key 'seed': expected a whole number >= 0, found string \"7\""},
      {[](Json& j) { j["seed"] = -7; }, "key 'seed': expected a whole number >= 0, found number -7"},
      {[](Json& j) { j["threshold"] = nullptr; }, "key 'threshold': expected a number, found null"},
      {[](Json& j) { j["feature_names"][1] = 5; }, "key 'feature_names[1]': expected a string, found number 5"},
      {[](Json& j) { j["feature_names"][2] = "a"; }, "key 'feature_names[2]': 'a' is named twice"},
      {[](Json& j) { j["feature_names"][0] = "class"; }, "key 'feature_names[0]': 'class' is the label column"},
      {[](Json& j) { j["standardized"]["weights"].erase(0); }, "key 'standardized.weights': has 2 entries but feature_names has 3"},
      {[](Json& j) { j["standardization"]["mean"] = 1; }, "key 'standardization.mean': expected an array, found number 1"},
      {[](Json& j) { j["standardization"]["sd"][0] = -2.0; }, "key 'standardization.sd[0]': sd -2 under the weight standardized.weights[0] = 0.5"},
      {[](Json& j) { j["standardized"]["weights"][1] = 1.0; }, "key 'standardization.sd[1]': sd 0 under the weight standardized.weights[1] = 1"},
      {[](Json& j) { j["original_units"]["weights"][2] = -3.0; }, "key 'original_units.weights[2]': -3 is not standardized.weights[2] / standardization.sd[2] = -2"},
      {[](Json& j) { j["original_units"]["intercept"] = 1.0; }, "key 'original_units.intercept': 1 is not standardized.intercept"},
      {[](Json& j) { j["data"]["format"] = "parquet"; }, "key 'data.format': 'parquet' is neither csv nor libsvm"},
      {[](Json& j) { j["data"]["delimiter"] = "|"; }, "key 'data.delimiter': a csv model needs its delimiter"},
      {[](Json& j) { j["data"]["label"] = nullptr; }, "key 'data.label': a csv model needs its label column"},
      {[](Json& j) { j["data"]["negative_label"] = "yes"; }, "key 'data.negative_label': 'yes' is the positive label too"},
      {[](Json& j) { j["data"]["negative_label"] = "never"; }, "key 'data.negative_label': 'never' is not one of data.label_values"},
      {[](Json& j) { j["data"]["label_values"] = {"no"}; }, "key 'data.label_values': none of them is the positive label 'yes'"},
      {[](Json& j) { j["data"]["missing"] = "impute"; }, "key 'data.missing': 'impute' is none of error, drop_rows, category"},
      {[](Json& j) { j["training_data"]["sha256"] = "abc"; }, "key 'training_data.sha256': expected 64 lowercase hexadecimal digits"},
      {[](Json& j) { j["positive_fraction"] = 1.5; }, "key 'positive_fraction': 1.5 is not between 0 and 1"},
      {[](Json& j) { j["step_size"] = 0; }, "key 'step_size': 0 is not > 0"},
      {[](Json& j) { j["test_auc"] = 1.25; }, "key 'test_auc': 1.25 is not an AUC in [0, 1]"},
      {[](Json& j) { j["threshold_subtrain_errors"]["false_positives"] = -1; }, "key 'threshold_subtrain_errors.false_positives': -1 is negative"},
      {[](Json& j) { j["threshold_rule"] = ""; }, "key 'threshold_rule': it is empty"},
  };
  for (const Damage& damage : cases) {
    Json edited = valid;
    damage.edit(edited);
    try {
      parse_model_file(edited.dump(), "m.json");
      ADD_FAILURE() << "accepted a file that should give: " << damage.expected;
    } catch (const DataError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("m.json: " + damage.expected, 0), 0u)
          << error.what() << "\nexpected: " << damage.expected;
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    }
  }
}

TEST(ModelFile, TextThatIsNotOneJsonObjectIsRefused) {
  const std::string valid = model_file_json(model_file_of(example_selection()));
  const std::pair<std::string, std::string> cases[] = {
      {"", "m.json: not valid JSON"},
      {valid.substr(0, valid.size() / 2), "m.json: not valid JSON"},
      {valid + "{}", "m.json: not valid JSON"},
      {"{\"format\": 1e999}", "m.json: not valid JSON"},
      {"{\"format\": \"aumtrain-model\", \"format\": \"aumtrain-model\"}",
       "m.json: key 'format' appears twice in one object"},
      {"{\"data\": {\"label\": \"y\", \"label\": \"z\"}}", "m.json: key 'data.label' appears twice"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      parse_model_file(text, "m.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const DataError& error) {
      EXPECT_EQ(std::string(error.what()).rfind(expected, 0), 0u) << error.what();
    }
  }
}

TEST(ModelFile, LibsvmFeatureNamesMustBeIncreasingIndices) {
  Selection s = example_selection();
  s.data_settings = {DataFormat::libsvm, 0, "", "+1", {}, MissingPolicy::error, {}};
  s.label_values = {"+1", "-1"};
  for (const auto& names : {std::vector<std::string>{"f1", "x", "f3"},
                            std::vector<std::string>{"f2", "f1", "f3"},
                            std::vector<std::string>{"f0", "f1", "f3"}}) {
    s.feature_names = names;
    EXPECT_THROW(parse_model_file(model_file_json(model_file_of(s)), "m.json"), DataError);
  }
}

TEST(ModelFile, UnreadableFileIsADataError) {
  try {
    read_model_file("/no/such/model.json");
    FAIL();
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("/no/such/model.json: cannot open the model file"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace aumtrain
