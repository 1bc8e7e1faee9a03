package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// createdModel is the model of an object the API has just created, as a pointer to M:
// fillFromAPI sets what the plan left unknown from what the API reports of the object (an A),
// and nullUnknowns turns whatever is still unknown into null, so that a partial state can be
// saved.
type createdModel[M, A any] interface {
	*M
	fillFromAPI(ctx context.Context, obj *A) diag.Diagnostics
	nullUnknowns()
}

// saveThenWait saves an object the API has just created to state before waiting until it is
// ready, so that a failed or interrupted wait still leaves it in state (tainted) instead of
// created but unknown to Terraform. It then waits and saves what the API reports. When the
// wait fails, it saves what the API last reported, if anything, and returns the wait's error
// for the caller to explain; diagnostics of saving go to diags.
func saveThenWait[M, A any, P createdModel[M, A]](ctx context.Context, state *tfsdk.State, plan P,
	wait func(context.Context, string) (*A, error), id string, diags *diag.Diagnostics,
) error {
	partial := *plan
	P(&partial).nullUnknowns()
	diags.Append(state.Set(ctx, partial)...)
	if diags.HasError() {
		return nil
	}

	obj, err := wait(ctx, id)
	if err != nil {
		if obj != nil {
			diags.Append(plan.fillFromAPI(ctx, obj)...)
			plan.nullUnknowns()
			diags.Append(state.Set(ctx, *plan)...)
		}
		return err
	}
	diags.Append(plan.fillFromAPI(ctx, obj)...)
	diags.Append(state.Set(ctx, *plan)...)
	return nil
}
