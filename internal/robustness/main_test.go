package robustness_test

import (
	"testing"

	"github.com/zenlayer/terraform-provider-zenlayer/internal/acctest"
)

func TestMain(m *testing.M) {
	acctest.Main(m)
}
