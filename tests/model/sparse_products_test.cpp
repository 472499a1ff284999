// The products of the linear model on sparse rows: the same values as on the dense form of the
// same matrix, and the same bits on any number of threads.
#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "aumtrain/model/linear_model.hpp"

namespace aumtrain {
namespace {

// A random CSR matrix with about `per_row` nonzeros per row, its rows taken in a shuffled order
// as a split takes them, and the dense form of the view.
struct SparseProblem {
  std::vector<std::int64_t> row_start{0};
  std::vector<std::int32_t> column;
  std::vector<double> value;
  std::vector<std::uint32_t> order;
  Eigen::Index cols = 0;
  FeatureMap map;

  SparseRowsView view() const {
    return {static_cast<Eigen::Index>(order.size()), cols, row_start.data(), column.data(),
            value.data(), order.data()};
  }
  RowMajorMatrix dense() const {
    RowMajorMatrix m = RowMajorMatrix::Zero(static_cast<Eigen::Index>(order.size()), cols);
    for (std::size_t r = 0; r < order.size(); ++r) {
      for (auto k = row_start[order[r]]; k < row_start[order[r] + 1]; ++k) {
        m(static_cast<Eigen::Index>(r), column[static_cast<std::size_t>(k)]) =
            value[static_cast<std::size_t>(k)];
      }
    }
    return m;
  }
};

SparseProblem sparse_problem(unsigned seed, std::size_t rows, Eigen::Index cols, int per_row) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<std::int32_t> pick(0, static_cast<std::int32_t>(cols - 1));
  SparseProblem p;
  p.cols = cols;
  for (std::size_t i = 0; i < rows; ++i) {
    std::vector<std::int32_t> columns;
    for (int k = 0; k < per_row; ++k) columns.push_back(pick(rng));
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    for (std::int32_t j : columns) {
      p.column.push_back(j);
      p.value.push_back(normal(rng));
    }
    p.row_start.push_back(static_cast<std::int64_t>(p.value.size()));
  }
  p.order.resize(rows);
  std::iota(p.order.begin(), p.order.end(), 0u);
  std::shuffle(p.order.begin(), p.order.end(), rng);
  p.map = FeatureMap::identity(static_cast<std::size_t>(cols));
  for (Eigen::Index j = 0; j < cols; ++j) {
    p.map.multiplier[j] = 0.5 + std::abs(normal(rng));
    p.map.offset[j] = normal(rng);
  }
  p.map.fixed_at_zero[1] = 1;
  return p;
}

struct Products {
  std::vector<double> scores;
  Eigen::VectorXd weight_gradient;
  double intercept_gradient = 0;
};

Products products(const FeatureRows& rows, const FeatureMap& map, int threads) {
  const auto n = static_cast<std::size_t>(rows.rows());
  LinearModel model;
  model.weights = Eigen::VectorXd::LinSpaced(rows.cols(), -1.0, 2.0);
  model.intercept = 0.25;
  Products out;
  out.scores.resize(n);
  model.scores(rows, map, out.scores, threads);
  std::vector<double> g(n);
  for (std::size_t i = 0; i < n; ++i) g[i] = std::sin(static_cast<double>(i)) / static_cast<double>(n);
  parameter_gradient(rows, map, g, out.weight_gradient, out.intercept_gradient, threads);
  return out;
}

TEST(SparseProducts, EqualTheDenseProductsOfTheSameMatrix) {
  const SparseProblem p = sparse_problem(1, 20000, 300, 12);
  const RowMajorMatrix dense = p.dense();
  const Products sparse = products(p.view(), p.map, 2);
  const Products reference = products(MatrixView(dense.data(), dense.rows(), dense.cols()), p.map, 1);
  for (std::size_t i = 0; i < sparse.scores.size(); ++i) {
    ASSERT_NEAR(sparse.scores[i], reference.scores[i], 1e-12 * (1 + std::abs(reference.scores[i])))
        << "row " << i;
  }
  for (Eigen::Index j = 0; j < p.cols; ++j) {
    EXPECT_NEAR(sparse.weight_gradient[j], reference.weight_gradient[j], 1e-12) << "column " << j;
  }
  EXPECT_EQ(sparse.weight_gradient[1], 0.0);  // fixed at zero
  EXPECT_NEAR(sparse.intercept_gradient, reference.intercept_gradient, 1e-12);
}

// Both ways of summing X^T g: partial sums per part of the rows (few columns, several blocks)
// and one thread in row order (more columns x parts than nonzeros).
TEST(SparseProducts, SameBitsOnOneTwoAndThreeThreads) {
  struct Case {
    const char* name;
    std::size_t rows;
    Eigen::Index cols;
    int per_row;
  };
  for (const Case& c : {Case{"partial sums per part", 50000, 500, 10},
                        Case{"one pass in row order", 30000, 200000, 3}}) {
    const SparseProblem p = sparse_problem(7, c.rows, c.cols, c.per_row);
    const Products one = products(p.view(), p.map, 1);
    for (int threads : {2, 3}) {
      const Products many = products(p.view(), p.map, threads);
      EXPECT_EQ(many.scores, one.scores) << c.name << ", " << threads << " threads";
      EXPECT_TRUE(many.weight_gradient == one.weight_gradient) << c.name << ", " << threads << " threads";
      EXPECT_EQ(many.intercept_gradient, one.intercept_gradient) << c.name;
    }
  }
}

}  // namespace
}  // namespace aumtrain
