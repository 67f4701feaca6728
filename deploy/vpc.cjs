/**
 * The optional VPC of every function, from the params `vpcSubnetIds` and `vpcSecurityGroupIds`
 * (comma-separated; both or neither). Resolved while packaging, so a stack without them has no VpcConfig at all rather than an
 * empty one: serverless.yml reads `vpc` (provider.vpc) and `managedPolicyArns` (each function role's).
 * In a VPC, Lambda creates network interfaces with the function's role: AWS's managed policy grants that.
 */
const VPC_ACCESS_POLICY = {
  "Fn::Join": [
    "",
    ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
  ],
};

/** "subnet-a, subnet-b" → ["subnet-a", "subnet-b"]; an absent or empty param → []. */
function ids(value) {
  if (value === null || value === undefined) return [];
  return String(value)
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

module.exports = async ({ resolveVariable }) => {
  const subnetIds = ids(await resolveVariable("param:vpcSubnetIds, null"));
  const securityGroupIds = ids(await resolveVariable("param:vpcSecurityGroupIds, null"));
  if (subnetIds.length === 0 && securityGroupIds.length === 0) return { vpc: null, managedPolicyArns: [] };
  // One without the other would deploy functions outside the VPC, or fail at deploy: say so while packaging.
  if (subnetIds.length === 0 || securityGroupIds.length === 0) {
    throw new Error("vpcSubnetIds and vpcSecurityGroupIds go together: give both params, or neither");
  }
  return { vpc: { subnetIds, securityGroupIds }, managedPolicyArns: [VPC_ACCESS_POLICY] };
};
